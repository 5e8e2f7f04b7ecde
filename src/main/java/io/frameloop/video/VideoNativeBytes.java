package io.frameloop.video;

/**
 * The bytes the video codecs' JavaCPP buffers hold now (their colour conversion input and output),
 * so that a test or a soak run proves they are freed; FFmpeg's own allocations are not counted
 * (see the process's resident memory). Asking never loads the natives.
 */
public final class VideoNativeBytes {

  private VideoNativeBytes() {
  }

  /** JavaCPP's count of the bytes allocated and not yet freed, 0 when video never loaded here. */
  public static long now() {
    return VideoSupport.loaded() ? FfmpegNatives.allocatedBytes() : 0;
  }
}
