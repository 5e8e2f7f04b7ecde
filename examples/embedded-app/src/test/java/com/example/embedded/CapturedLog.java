package com.example.embedded;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What is logged while it is open, at INFO and above. FrameLoop logs through System.Logger, which
 * goes to java.util.logging when no other logging backend is on the class path (as here).
 */
final class CapturedLog implements AutoCloseable {

  private final Logger root = Logger.getLogger("");
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

  CapturedLog() {
    handler.setLevel(Level.INFO);
    root.addHandler(handler);
  }

  /** The messages at {@code atLeast} or above, their parameters filled in. */
  List<String> messages(Level atLeast) {
    SimpleFormatter formatter = new SimpleFormatter();
    synchronized (records) {
      return records.stream()
        .filter(record -> record.getLevel().intValue() >= atLeast.intValue())
        .map(formatter::formatMessage)
        .toList();
    }
  }

  @Override
  public void close() {
    root.removeHandler(handler);
  }
}
