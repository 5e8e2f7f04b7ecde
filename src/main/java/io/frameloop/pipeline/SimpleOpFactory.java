package io.frameloop.pipeline;

import java.util.List;

/**
 * A {@link FrameOpFactory} whose name, description and parameters are fixed when it is made, so a
 * factory is a constructor plus {@code create} (and {@link #validate}, {@link #outputSize} or
 * {@link #smallestInput} where the op needs them).
 */
public abstract class SimpleOpFactory implements FrameOpFactory {

  private final String name;
  private final String description;
  private final List<OpParam> params;

  protected SimpleOpFactory(String name, String description, OpParam... params) {
    this.name = name;
    this.description = description;
    this.params = List.of(params);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final List<OpParam> params() {
    return params;
  }
}
