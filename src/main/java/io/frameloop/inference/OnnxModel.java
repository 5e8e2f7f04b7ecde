package io.frameloop.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ONNX model loaded in ONNX Runtime, with its input and output tensors allocated once: an op
 * writes its input into {@link #input}, calls {@link #run}, and reads {@link #output}, frame after
 * frame, without allocating tensors. For one thread: make one per worker, e.g. with
 * {@code context.shared("myop:model", () -> OnnxModel.load(bytes), OnnxModel::close)}, and only call
 * it on the worker (never on an event loop). Float tensors of fixed shape only (a dynamic dimension,
 * such as a batch, is taken as 1).
 *
 * <p>Each session computes on the calling thread alone ({@code intraOpNumThreads} 1): a server runs
 * one worker per core already, so more threads per model would only compete with the other workers.
 *
 * <p>Check {@link OnnxRuntime#unavailableReason()} before using this class: without ONNX Runtime on
 * the class path it cannot even be linked.
 */
public final class OnnxModel implements AutoCloseable {

  private static final AtomicInteger OPEN = new AtomicInteger();

  private final OrtSession session;
  private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
  private final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
  private final Map<String, long[]> shapes = new LinkedHashMap<>();
  private boolean closed;

  private OnnxModel(OrtSession session) throws OrtException {
    this.session = session;
    try {
      for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
        inputs.put(in.getKey(), tensor(in.getKey(), in.getValue()));
      }
      for (Map.Entry<String, NodeInfo> out : session.getOutputInfo().entrySet()) {
        outputs.put(out.getKey(), tensor(out.getKey(), out.getValue()));
      }
    } catch (OrtException | RuntimeException e) {
      closeAll();
      throw e;
    }
    OPEN.incrementAndGet();
  }

  /** Models loaded in this JVM and not closed yet (one per worker and model in a server). */
  public static int openModels() {
    return OPEN.get();
  }

  /**
   * Loads a model (the bytes of an {@code .onnx} file); blocks while ONNX Runtime optimizes it.
   *
   * @throws IllegalArgumentException when ONNX Runtime cannot load it, or a tensor is not float
   */
  public static OnnxModel load(byte[] model) {
    OnnxNatives.prepare(); // before ONNX Runtime's first use: where it loads its libraries from
    try {
      OrtEnvironment environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "frameloop");
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        return new OnnxModel(environment.createSession(model, options));
      }
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime could not load the model: " + e.getMessage(), e);
    }
  }

  private OnnxTensor tensor(String name, NodeInfo node) throws OrtException {
    if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
      throw new IllegalArgumentException("tensor '" + name + "' is " + node.getInfo() + "; only float tensors are supported");
    }
    long[] shape = Arrays.stream(info.getShape()).map(d -> Math.max(1, d)).toArray();
    long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (elements > Integer.MAX_VALUE / Float.BYTES) {
      throw new IllegalArgumentException("tensor '" + name + "' has " + elements + " elements, too many");
    }
    FloatBuffer buffer = ByteBuffer.allocateDirect((int) elements * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffers.put(name, buffer);
    shapes.put(name, shape);
    // A direct buffer in native order is used by the tensor in place: writing it changes the input.
    return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), buffer, shape);
  }

  public Set<String> inputNames() {
    return inputs.keySet();
  }

  public Set<String> outputNames() {
    return outputs.keySet();
  }

  /** A tensor's shape (dynamic dimensions as 1). */
  public long[] shape(String tensor) {
    return known(shapes, tensor).clone();
  }

  /** The input tensor's buffer, rewound: write {@code shape}'s element count of floats, row-major. */
  public FloatBuffer input(String name) {
    known(inputs, name);
    return buffers.get(name).clear();
  }

  /** The output tensor's buffer, rewound, as the last {@link #run} left it. */
  public FloatBuffer output(String name) {
    known(outputs, name);
    return buffers.get(name).clear();
  }

  /** Runs the model on the inputs' buffers; the outputs' buffers then hold the results. */
  public void run() {
    try {
      // Outputs pinned to the tensors made at load: ONNX Runtime writes into them, nothing is allocated.
      session.run(inputs, outputs).close();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
    }
  }

  private static <V> V known(Map<String, V> tensors, String name) {
    V value = tensors.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no tensor '" + name + "' among " + tensors.keySet());
    }
    return value;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      OPEN.decrementAndGet();
      closeAll();
    }
  }

  private void closeAll() {
    inputs.values().forEach(OnnxTensor::close);
    outputs.values().forEach(OnnxTensor::close);
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to close the model: " + e.getMessage(), e);
    }
  }
}
