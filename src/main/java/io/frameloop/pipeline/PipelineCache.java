package io.frameloop.pipeline;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The op instances of the pipelines a worker has seen recently, so a session's ops are made once,
 * not per frame. Bounded in count, and in the bytes of the images ops keep of their own: built-in
 * ops keep none (they write into the worker's {@link OpContext}), plug-ins written against the
 * earlier SPI keep one or more each.
 */
final class PipelineCache implements AutoCloseable {

  static final int MAX_PIPELINES = 8;

  /** One pipeline's ops, and the bytes of the images they returned of their own in the last frame. */
  static final class Entry {
    final List<FrameOp> ops;
    long ownBytes;

    private Entry(List<FrameOp> ops) {
      this.ops = ops;
    }
  }

  private final long maxOwnBytes;
  private final Map<PipelineSpec, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

  /** @param maxOwnBytes the images ops may keep of their own in the cached pipelines besides the current one */
  PipelineCache(long maxOwnBytes) {
    this.maxOwnBytes = maxOwnBytes;
  }

  Entry get(PipelineSpec pipeline, Function<PipelineSpec, List<FrameOp>> create) {
    return entries.computeIfAbsent(pipeline, spec -> new Entry(create.apply(spec)));
  }

  /** Closes the least recently used pipelines, never {@code current}, while over either bound. */
  void trim(Entry current) {
    long ownBytes = ownBytes();
    Iterator<Entry> eldestFirst = entries.values().iterator();
    while (eldestFirst.hasNext() && (entries.size() > MAX_PIPELINES || ownBytes - current.ownBytes > maxOwnBytes)) {
      Entry entry = eldestFirst.next();
      if (entry != current) {
        ownBytes -= entry.ownBytes;
        entry.ops.forEach(FrameOp::close);
        eldestFirst.remove();
      }
    }
  }

  /** The images the cached ops keep of their own, as they last returned them. */
  long ownBytes() {
    long bytes = 0;
    for (Entry entry : entries.values()) {
      bytes += entry.ownBytes;
    }
    return bytes;
  }

  @Override
  public void close() {
    entries.values().forEach(entry -> entry.ops.forEach(FrameOp::close));
    entries.clear();
  }
}
