package io.frameloop.server;

/** What a node does. The constants are spelled as they are written in the configuration. */
public enum Role {
  /** Sessions and processing: one node. */
  both,
  /** WebSocket sessions only; frames go to workers elsewhere in the cluster. */
  front,
  /** Processing only, no HTTP: frames come from fronts in the cluster. */
  worker
}
