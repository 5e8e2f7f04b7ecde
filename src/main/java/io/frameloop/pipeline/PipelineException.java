package io.frameloop.pipeline;

/** A pipeline request that names an unknown or unavailable op, or a bad parameter. */
public class PipelineException extends RuntimeException {
  public PipelineException(String message) {
    super(message, null, false, false);
  }
}
