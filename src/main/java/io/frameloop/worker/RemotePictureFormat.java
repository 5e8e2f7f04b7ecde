package io.frameloop.worker;

/**
 * How a decoded video picture travels from a front to a worker on another node (a local worker
 * always gets the picture itself): {@code jpeg}, a TurboJPEG q90 made on the front off the event
 * loop (about 77 KB and 1.2 ms more CPU per 640x480 hop), or {@code raw}, the BGR pixels (921 KB,
 * 221 Mbit/s per 30 frames/s session: a 1 Gbit/s link is full at about 4 sessions). BENCHMARKS.md
 * §17 "Cluster: what travels to a remote worker".
 */
public enum RemotePictureFormat {
  raw,
  jpeg
}
