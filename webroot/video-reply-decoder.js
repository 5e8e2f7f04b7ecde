// VP8 replies ("replyFormat":"vp8", docs/PROTOCOL.md "VP8 replies"): the server answers with one VP8
// stream, each chunk a framed message with the request's header and the VIDEO (+ KEY) flags, after a
// {"type":"video","direction":"reply",...} message giving its size and colour space. This module
// reads those chunks and decodes them in order with WebCodecs' VideoDecoder.

export const VIDEO_FLAG = 0x01;
export const KEY_FLAG = 0x02;
const HEADER_BYTES = 16;
export const REPLY_CODEC = 'vp8';

/**
 * The format a session asks its replies in, and why: {format: 'vp8' | 'jpeg', reason}. preference:
 * 'auto' (VP8 where both ends can) or 'jpeg'; hasDecoder: whether VideoDecoder exists;
 * decoderSupported: VideoDecoder.isConfigSupported's answer for VP8; hello: the server's hello.
 */
export function chooseReplyFormat({ preference = 'auto', hasDecoder, decoderSupported, hello }) {
  if (preference === 'jpeg') return { format: 'jpeg', reason: 'JPEG replies were chosen' };
  const video = hello && hello.video;
  if (!video || !Array.isArray(video.encode)) return { format: 'jpeg', reason: 'the server sends no video' };
  if (!video.encode.includes(REPLY_CODEC)) {
    return { format: 'jpeg', reason: `the server cannot encode VP8${video.unavailable ? ': ' + video.unavailable : ''}` };
  }
  if (!hasDecoder) return { format: 'jpeg', reason: 'this browser has no VideoDecoder' };
  if (!decoderSupported) return { format: 'jpeg', reason: "this browser's VideoDecoder cannot decode VP8" };
  return { format: REPLY_CODEC, reason: 'the server encodes VP8 and the browser decodes it' };
}

/** Whether this browser's VideoDecoder decodes VP8 ({hasDecoder, decoderSupported}). */
export async function probeDecoder(width = 640, height = 480) {
  if (typeof VideoDecoder === 'undefined' || typeof EncodedVideoChunk === 'undefined') return { hasDecoder: false, decoderSupported: false };
  try {
    const answer = await VideoDecoder.isConfigSupported({ codec: REPLY_CODEC, codedWidth: width, codedHeight: height });
    return { hasDecoder: true, decoderSupported: !!answer.supported };
  } catch (e) {
    return { hasDecoder: true, decoderSupported: false };
  }
}

/** Whether a decoded frame's colour space differs from the stream's (range or matrix): then it is relabelled. */
export function mislabelled(frameSpace, streamSpace) {
  if (!streamSpace) return false;
  if (!frameSpace) return true;
  if (typeof streamSpace.fullRange === 'boolean' && frameSpace.fullRange !== streamSpace.fullRange) return true;
  return !!streamSpace.matrix && frameSpace.matrix !== streamSpace.matrix;
}

/** Whether a binary message is a video chunk: framed ("FL", version 1) with the VIDEO flag. */
export function isVideoChunk(message) {
  const bytes = new Uint8Array(message instanceof ArrayBuffer ? message : message.buffer);
  return bytes.length >= HEADER_BYTES && bytes[0] === 0x46 && bytes[1] === 0x4C && bytes[2] === 1
    && (bytes[3] & VIDEO_FLAG) !== 0;
}

/** A video chunk's {seq, timestamp (BigInt), key, data (Uint8Array)}. */
export function readVideoChunk(message) {
  const view = new DataView(message, 0, HEADER_BYTES);
  return { seq: view.getUint32(4), timestamp: view.getBigInt64(8), key: (view.getUint8(3) & KEY_FLAG) !== 0,
    data: new Uint8Array(message, HEADER_BYTES) };
}

/**
 * Decodes a session's VP8 reply stream: describe() with each reply `video` message, decode() with
 * each chunk in the order received. Decoded pictures go to onFrame(videoFrame, seq), in order, which
 * must close() them; they carry the stream's colour space (the `video` message's). VP8 has none of
 * its own: the decoder is configured with it (Chromium then labels its output with it; without it,
 * limited-range, which stretches a full-range picture's contrast when drawn), and a frame a browser
 * labels otherwise all the same is copied into one labelled right.
 * Until a key chunk, after a decoder error or a chunk it could not take, deltas are skipped (no
 * corrupt picture reaches onFrame) and onKeyframeWanted() is called once (send {"type":"keyframe"}:
 * the next chunk is a key). No DOM: drawing is the caller's.
 */
export class VideoReplyDecoder {
  constructor({ onFrame, onError = () => {}, onKeyframeWanted = () => {} }) {
    this.onFrame = onFrame;
    this.onError = onError;
    this.onKeyframeWanted = onKeyframeWanted;
    this.decoder = null;
    this.config = null;
    this.waitingForKey = true;
    this.asked = false;
    this.decoded = 0;
    this.skipped = 0;
    this.relabelled = 0; // frames copied to carry the stream's colour space
    this.errors = 0;
    this.decodedColorSpace = null;
    this.output = Promise.resolve(); // frames reach onFrame in order, relabelled ones too
  }

  static supported() {
    return typeof VideoDecoder !== 'undefined';
  }

  /** The server's reply `video` message: a (new) stream of this size and colour space; its next chunk is a key. */
  describe(message) {
    this.config = { codec: message.codec, codedWidth: message.width, codedHeight: message.height,
      colorSpace: message.colorSpace, optimizeForLatency: true };
    this.reset();
  }

  reset() {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    const decoder = new VideoDecoder({
      output: (frame) => this.deliver(frame),
      error: (e) => {
        this.errors++;
        if (this.decoder === decoder) this.decoder = null;
        this.wantKey();
        this.onError(e);
      },
    });
    this.decoder = decoder;
    this.decoder.configure(this.config);
    this.waitingForKey = true;
  }

  /** A reply chunk (the binary message), in order. */
  decode(message) {
    const chunk = readVideoChunk(message);
    if (!this.config) {
      this.skipped++;
      return; // no reply video message yet: nothing to decode with
    }
    if (!this.decoder) this.reset();
    if (this.waitingForKey && !chunk.key) {
      this.skipped++;
      this.wantKey();
      return;
    }
    this.waitingForKey = false;
    this.asked = false;
    try {
      // The chunk's sequence number as its timestamp: the frame that comes out says which request it answers.
      this.decoder.decode(new EncodedVideoChunk({ type: chunk.key ? 'key' : 'delta', timestamp: chunk.seq, data: chunk.data }));
    } catch (e) {
      // Not taken (a closed or broken decoder): the chunks after it depend on it, so start again at a key.
      this.skipped++;
      this.errors++;
      this.decoder = null;
      this.wantKey();
      this.onError(e);
    }
  }

  deliver(frame) {
    this.decoded++;
    this.decodedColorSpace = frame.colorSpace ? frame.colorSpace.toJSON() : null; // what the decoder labelled it
    const seq = Number(frame.timestamp);
    const space = this.config && this.config.colorSpace;
    if (!mislabelled(frame.colorSpace, space) || !frame.format) {
      this.inOrder(() => this.onFrame(frame, seq));
      return;
    }
    this.relabelled++;
    const rect = frame.visibleRect;
    const buffer = new Uint8Array(frame.allocationSize());
    const init = { format: frame.format, codedWidth: rect.width, codedHeight: rect.height, timestamp: frame.timestamp,
      displayWidth: frame.displayWidth, displayHeight: frame.displayHeight, colorSpace: space };
    const copied = frame.copyTo(buffer).then((layout) => new VideoFrame(buffer, { ...init, layout }),
      (e) => { this.onError(e); return null; }).finally(() => frame.close());
    this.inOrder(() => copied.then((relabelled) => { if (relabelled) this.onFrame(relabelled, seq); }));
  }

  inOrder(step) {
    this.output = this.output.then(step).catch((e) => this.onError(e));
  }

  wantKey() {
    this.waitingForKey = true;
    if (!this.asked) {
      this.asked = true;
      this.onKeyframeWanted();
    }
  }

  close() {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
  }
}
