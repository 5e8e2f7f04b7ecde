/**
 * FrameLoop: live webcam frames over a WebSocket, processed with OpenCV on Vert.x worker
 * verticles. The module declaration lets Vert.x codegen generate the options' JSON converters.
 */
@ModuleGen(name = "frameloop", groupPackage = "io.frameloop")
package io.frameloop;

import io.vertx.codegen.annotations.ModuleGen;
