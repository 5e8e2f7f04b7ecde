package io.frameloop.pipeline;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * Describes an op and creates its instances: the plug-in SPI.
 *
 * <p>Register an implementation with {@link OpRegistry#register}, or list it in
 * {@code META-INF/services/io.frameloop.pipeline.FrameOpFactory} to have it found by
 * {@link OpRegistry#fromClassPath} (it then needs a public no-arg constructor). Its {@link #name}
 * is what clients put in {@code "op"}. {@link SimpleOpFactory} implements the descriptive part.
 */
public interface FrameOpFactory {

  /** The op's name in pipeline messages, e.g. {@code "resize"}. */
  String name();

  /** One line for users, shown in the {@code hello} message. */
  String description();

  /** The parameters the op takes; the registry checks types, ranges and choices and fills defaults. */
  List<OpParam> params();

  /**
   * Receives the server's settings (flat keys, e.g. {@code "faceCascade"}), once, before
   * {@link OpRegistry#fromClassPath} registers the factory; ignore the keys you do not know.
   * A factory registered in code is configured by the code that makes it.
   */
  default void configure(JsonObject settings) {
  }

  /** Why the op cannot be used on this server (e.g. a missing data file), or empty when it can. */
  default Optional<String> unavailableReason() {
    return Optional.empty();
  }

  /**
   * Checks rules that span parameters (e.g. "width or height"), after each parameter was checked
   * on its own.
   *
   * @throws IllegalArgumentException with a message for the client
   */
  default void validate(JsonObject params) {
  }

  /** Creates an instance for one worker; {@code params} are normalized and valid. */
  FrameOp create(JsonObject params);
}
