package io.frameloop.server;

import java.io.IOException;
import java.net.InetAddress;

/** A node's default name in stats and logs. */
final class NodeNames {

  private NodeNames() {
  }

  /** This host's name and this process's id, e.g. {@code box-4242}. */
  static String ofThisProcess() {
    try {
      return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
    } catch (IOException e) {
      return "frameloop-" + ProcessHandle.current().pid();
    }
  }
}
