package io.frameloop.inference;

import java.util.Optional;

/**
 * Whether ONNX Runtime can be used here. It is an optional dependency: an app that embeds FrameLoop
 * without it gets every other op, and the neural ones say why they are unavailable. This class
 * names no ONNX Runtime type, so asking links nothing.
 */
public final class OnnxRuntime {

  public static final String MISSING = "ONNX Runtime is not on the class path: add com.microsoft.onnxruntime:onnxruntime";

  private OnnxRuntime() {
  }

  /** Why models cannot run (ONNX Runtime's classes are absent), or empty when they can be loaded. */
  public static Optional<String> unavailableReason() {
    try {
      Class.forName("ai.onnxruntime.OrtEnvironment", false, OnnxRuntime.class.getClassLoader());
      return Optional.empty();
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.of(MISSING);
    }
  }
}
