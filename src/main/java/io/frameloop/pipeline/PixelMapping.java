package io.frameloop.pipeline;

/**
 * Where a point of one image lies in another, axis by axis: {@code x' = scaleX * x + offsetX},
 * {@code y' = scaleY * y + offsetY}. Enough for the geometry of every built-in op (scaling and
 * mirroring); coordinates are continuous, pixel {@code i} covering {@code [i, i + 1)}.
 */
public record PixelMapping(double scaleX, double offsetX, double scaleY, double offsetY) {

  public static final PixelMapping IDENTITY = new PixelMapping(1, 0, 1, 0);

  /** From {@code from}'s pixels to {@code to}'s when one is the other scaled (the identity when the sizes are equal). */
  public static PixelMapping scale(ImageSize from, ImageSize to) {
    return new PixelMapping((double) to.width() / from.width(), 0, (double) to.height() / from.height(), 0);
  }

  /** The mirror image of a {@code size} image: {@code horizontal} left-right, {@code vertical} upside-down. */
  public static PixelMapping mirror(ImageSize size, boolean horizontal, boolean vertical) {
    return new PixelMapping(horizontal ? -1 : 1, horizontal ? size.width() : 0, vertical ? -1 : 1, vertical ? size.height() : 0);
  }

  public double x(double x) {
    return scaleX * x + offsetX;
  }

  public double y(double y) {
    return scaleY * y + offsetY;
  }

  /** {@code first}, then this: a point is mapped by {@code first}, and its image by this. */
  public PixelMapping after(PixelMapping first) {
    return new PixelMapping(scaleX * first.scaleX, scaleX * first.offsetX + offsetX,
      scaleY * first.scaleY, scaleY * first.offsetY + offsetY);
  }
}
