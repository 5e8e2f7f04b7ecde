package io.frameloop.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.frameloop.pipeline.ops.faces.FaceModels;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * BlazeFace inferences per second on two threads (the machine's two workers), for the ONNX Runtime
 * settings an inference layer could choose: a session per worker with one intra-op thread each (what
 * OnnxModel does), one session shared by both with one thread, and with two. Then a single caller's
 * latency with one and with two threads. bench/run io.frameloop.bench.OnnxThreads
 */
public final class OnnxThreads {

  private static final int RUNS = 3000;

  public static void main(String[] args) throws Exception {
    byte[] model;
    try (InputStream in = OnnxThreads.class.getClassLoader().getResourceAsStream(FaceModels.DEFAULT_MODEL_RESOURCE)) {
      model = in.readAllBytes();
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "bench");
    try (OrtSession a = session(env, model, 1); OrtSession b = session(env, model, 1); OrtSession two = session(env, model, 2)) {
      for (int round = 0; round < 2; round++) { // the first round warms up
        report(round, "2 callers, a session each, 1 thread each", throughput(env, a, b));
        report(round, "2 callers, one shared session, 1 thread", throughput(env, a, a));
        report(round, "2 callers, one shared session, 2 threads", throughput(env, two, two));
        report(round, "1 caller, 1 thread", throughput(env, a, null));
        report(round, "1 caller, 2 threads", throughput(env, two, null));
      }
    }
  }

  private static void report(int round, String what, double perSecond) {
    if (round > 0) {
      System.out.printf("%-45s %7.0f inferences/s in all%n", what, perSecond);
    }
  }

  private static OrtSession session(OrtEnvironment env, byte[] model, int threads) throws Exception {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      return env.createSession(model, options);
    }
  }

  /** Inferences per second over RUNS, on one thread per non-null session. */
  private static double throughput(OrtEnvironment env, OrtSession first, OrtSession second) throws Exception {
    List<Callable<Void>> callers = new ArrayList<>();
    for (OrtSession session : second == null ? List.of(first) : List.of(first, second)) {
      callers.add(() -> {
        FloatBuffer input = ByteBuffer.allocateDirect(128 * 128 * 3 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, new long[] {1, 128, 128, 3})) {
          for (int i = 0; i < RUNS / (second == null ? 1 : 2); i++) {
            session.run(Map.of("input:0", tensor)).close();
          }
        }
        return null;
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(callers.size());
    long start = System.nanoTime();
    for (Future<Void> done : pool.invokeAll(callers)) {
      done.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return RUNS / seconds;
  }
}
