// Camera frames as VP8 video through WebCodecs' VideoEncoder (docs/PROTOCOL.md, "Video"): which
// format a session uses and why, and the encoder that turns a VideoFrame into one chunk to send.
// The client library (frameloop-client.js) sends what encode() returns: first the `video` control
// message when there is one, then the chunk framed with FLAG_VIDEO (| FLAG_KEY). No DOM.

export const VIDEO_CODEC = 'vp8';

// How long an encode may take before its frame counts as dropped by the encoder.
const OUTPUT_TIMEOUT_MS = 1000;
// Frames in a row the encoder gave nothing to send for: then it counts as failed (JPEG from the next
// frame on). An encoder slower than the timeout would otherwise make every frame a key given up on.
const MAX_FRAMES_WITHOUT_CHUNK = 3;

// Canvas frames are sRGB (BT.709 primaries, sRGB transfer, full range) and VP8 carries no colour
// information: it travels beside the stream.
export const DEFAULT_COLOR_SPACE = Object.freeze({ primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'bt709', fullRange: true });

/**
 * The format a session sends in, and why: {format: 'vp8' | 'jpeg', reason}. preference: 'auto'
 * (video where both ends can) or 'jpeg'; hasEncoder: whether VideoEncoder exists; encoderSupported:
 * VideoEncoder.isConfigSupported's answer for VP8; hello: the server's hello.
 */
export function chooseFormat({ preference = 'auto', hasEncoder, encoderSupported, hello }) {
  if (preference === 'jpeg') return { format: 'jpeg', reason: 'JPEG was chosen' };
  const video = hello && hello.video;
  if (!video || !Array.isArray(video.decode)) return { format: 'jpeg', reason: 'the server does not take video' };
  if (!video.decode.includes(VIDEO_CODEC)) {
    return { format: 'jpeg', reason: `the server cannot decode VP8${video.unavailable ? ': ' + video.unavailable : ''}` };
  }
  if (!hasEncoder) return { format: 'jpeg', reason: 'this browser has no VideoEncoder' };
  if (!encoderSupported) return { format: 'jpeg', reason: "this browser's VideoEncoder cannot encode VP8" };
  return { format: VIDEO_CODEC, reason: 'the browser encodes VP8 and the server decodes it' };
}

/**
 * An error message from the server that refuses video (so the client falls back to JPEG): its reason,
 * or null. Only the code `bad_video` says so: the server answers it to a `video` message and to a VIDEO
 * chunk it cannot take at all. A `bad_frame` is about one chunk (a corrupt key, say) and the stream
 * goes on from the next key; a server without video has no `video` in hello, so it is never sent any.
 */
export function videoRefusal(error) {
  return error.code === 'bad_video' ? `the server refused video: ${error.message}` : null;
}

/** The encoder's config for width × height at bitrate (bits/s) and framerate. */
export function encoderConfig(width, height, bitrate, framerate) {
  return { codec: VIDEO_CODEC, width, height, bitrate, framerate, latencyMode: 'realtime', bitrateMode: 'variable' };
}

/** Whether this browser's VideoEncoder encodes VP8 at width × height ({hasEncoder, encoderSupported}). */
export async function probeEncoder(width = 640, height = 480) {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') return { hasEncoder: false, encoderSupported: false };
  try {
    const answer = await VideoEncoder.isConfigSupported(encoderConfig(width, height, 1_000_000, 30));
    return { hasEncoder: true, encoderSupported: !!answer.supported };
  } catch (e) {
    return { hasEncoder: true, encoderSupported: false };
  }
}

/** The colour space the decoder must use: the encoder's where it names one, the canvas's default otherwise. */
export function colorSpaceOf(reported) {
  const space = { ...DEFAULT_COLOR_SPACE };
  if (reported) {
    for (const key of ['primaries', 'transfer']) if (reported[key]) space[key] = reported[key];
    // 'rgb' is the input frame's matrix, not one the YUV stream was converted with.
    if (reported.matrix && reported.matrix !== 'rgb') space.matrix = reported.matrix;
    if (typeof reported.fullRange === 'boolean') space.fullRange = reported.fullRange;
  }
  return space;
}

/**
 * One VP8 encoder for one session at a time. configure() before each frame (a new size reconfigures
 * and makes the next chunk a key with a control message before it; a new bitrate only retunes);
 * encode() one frame at a time. outputTimeoutMs: how long one encode may take; maxFramesWithoutChunk:
 * frames in a row without a chunk to send (timed out, or a delta where a key was asked) before encode() fails.
 */
export class VideoSender {
  constructor({ outputTimeoutMs = OUTPUT_TIMEOUT_MS, maxFramesWithoutChunk = MAX_FRAMES_WITHOUT_CHUNK } = {}) {
    this.outputTimeoutMs = outputTimeoutMs;
    this.maxFramesWithoutChunk = maxFramesWithoutChunk;
    this.framesWithoutChunk = 0; // in a row
    this.encoder = null;
    this.config = null; // the encoder's current config
    this.needKey = true; // the next frame is encoded as a key
    this.needControl = true; // the next key chunk goes after a `video` control message
    this.pending = null; // {resolve, reject} of the frame being encoded
    this.failure = null; // the encoder's error, once it had one
    this.chunks = 0;
  }

  /** A new session (or a keyframe request): the next chunk is a key; after a new session, with the control message again. */
  restart() {
    this.needKey = true;
    this.needControl = true;
  }

  requestKey() {
    this.needKey = true;
  }

  /** Sets the size, bitrate and frame rate for the next frame. */
  configure(width, height, bitrate, framerate) {
    if (this.failure) throw this.failure;
    const c = this.config;
    if (c && c.width === width && c.height === height && c.bitrate === bitrate && c.framerate === framerate) return;
    if (!this.encoder || this.encoder.state === 'closed') {
      this.encoder = new VideoEncoder({
        output: (chunk, metadata) => this.onOutput(chunk, metadata),
        error: (e) => this.onError(e),
      });
    }
    const resized = !c || c.width !== width || c.height !== height;
    this.config = encoderConfig(width, height, bitrate, framerate);
    this.encoder.configure(this.config);
    if (resized) this.restart();
  }

  /**
   * Encodes frame (a VideoFrame; closed here) as the next chunk: {data (ArrayBuffer), key, control
   * (the `video` message to send first, or null), encodeMs}, or null when the encoder dropped it.
   */
  async encode(frame) {
    if (this.failure) {
      frame.close();
      throw this.failure;
    }
    const keyFrame = this.needKey;
    const timestamp = frame.timestamp;
    const startedAt = performance.now();
    const output = new Promise((resolve, reject) => { this.pending = { timestamp, resolve, reject }; });
    try {
      this.encoder.encode(frame, { keyFrame });
    } finally {
      frame.close();
    }
    // No flush per frame (it costs a realtime encoder far more than the encode); a frame the encoder
    // drops gives no output: after outputTimeoutMs it is given up, and the next frame is a key, so
    // that a late chunk (never sent) cannot leave the server's decoder without its reference.
    let timer;
    const result = await Promise.race([output, new Promise((resolve) => { timer = setTimeout(() => resolve(null), this.outputTimeoutMs); })]);
    clearTimeout(timer);
    this.pending = null;
    if (!result) {
      this.needKey = true;
      return this.noChunk(`no chunk within ${this.outputTimeoutMs} ms`);
    }
    if (result.key) this.needKey = false;
    else if (keyFrame) return this.noChunk('a delta where a key was asked for'); // the server could not use it
    this.framesWithoutChunk = 0;
    let control = null;
    if (result.key && this.needControl) {
      const { width, height } = this.config;
      control = { type: 'video', codec: VIDEO_CODEC, width, height, colorSpace: colorSpaceOf(result.colorSpace) };
      this.needControl = false;
    }
    this.chunks++;
    return { data: result.data, key: result.key, control, encodeMs: performance.now() - startedAt };
  }

  // A frame that gave nothing to send: null, or the encoder's failure once too many did in a row.
  noChunk(why) {
    this.framesWithoutChunk++;
    if (this.framesWithoutChunk < this.maxFramesWithoutChunk) return null;
    this.failure = new Error(`${this.framesWithoutChunk} frames in a row gave no chunk to send (the last: ${why})`);
    throw this.failure;
  }

  onOutput(chunk, metadata) {
    const data = new ArrayBuffer(chunk.byteLength);
    chunk.copyTo(data);
    const colorSpace = metadata && metadata.decoderConfig ? metadata.decoderConfig.colorSpace : undefined;
    // Only the frame being waited for: a chunk of a frame given up on is never sent.
    if (this.pending && this.pending.timestamp === chunk.timestamp) this.pending.resolve({ data, key: chunk.type === 'key', colorSpace });
  }

  onError(e) {
    this.failure = e instanceof Error ? e : new Error(String(e));
    if (this.pending) this.pending.reject(this.failure);
  }

  close() {
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
    this.encoder = null;
    this.config = null;
    this.restart();
  }
}
