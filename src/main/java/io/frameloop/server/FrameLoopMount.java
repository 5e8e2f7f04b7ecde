package io.frameloop.server;

/**
 * The routes one {@link FrameLoop#mount} or {@link FrameLoop#mountPage} added to a router. Removing
 * them leaves the router's other routes alone, so another FrameLoop mounted afterwards on the same
 * paths is not shadowed.
 */
public interface FrameLoopMount {

  /** Removes exactly the routes this mount added; a second call does nothing. */
  void unmount();
}
