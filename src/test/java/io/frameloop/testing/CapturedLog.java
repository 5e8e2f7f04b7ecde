package io.frameloop.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What the server logs while it is open (System.Logger goes to java.util.logging here), down to
 * {@code lowest}: the root logger's level is lowered to it for the while, and put back on close.
 */
public final class CapturedLog implements AutoCloseable {

  private final Logger root = Logger.getLogger("");
  private final Level rootLevel = root.getLevel();
  private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  private CapturedLog(Level lowest) {
    handler.setLevel(lowest);
    root.addHandler(handler);
    if (rootLevel == null || rootLevel.intValue() > lowest.intValue()) {
      root.setLevel(lowest);
    }
  }

  public static CapturedLog from(Level lowest) {
    return new CapturedLog(lowest);
  }

  /** The messages at {@code atLeast} or above, parameters filled in, a thrown exception appended. */
  public List<String> messages(Level atLeast) {
    SimpleFormatter formatter = new SimpleFormatter();
    synchronized (records) {
      return records.stream().filter(r -> r.getLevel().intValue() >= atLeast.intValue())
        .map(r -> formatter.formatMessage(r) + (r.getThrown() == null ? "" : " " + r.getThrown()))
        .toList();
    }
  }

  @Override
  public void close() {
    root.removeHandler(handler);
    root.setLevel(rootLevel);
  }
}
