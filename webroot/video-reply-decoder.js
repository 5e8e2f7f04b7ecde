// VP8 replies ("replyFormat":"vp8", docs/PROTOCOL.md "VP8 replies"): the server answers with one VP8
// stream, each chunk a framed message with the request's header and the VIDEO (+ KEY) flags, after a
// {"type":"video","direction":"reply",...} message giving its size and colour space. This module
// reads those chunks and decodes them in order with WebCodecs' VideoDecoder.

export const VIDEO_FLAG = 0x01;
export const KEY_FLAG = 0x02;
const HEADER_BYTES = 16;

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
 * each chunk in the order received. Decoded pictures go to onFrame(videoFrame, seq), which must
 * close() them. Until a key chunk, after a decoder error or a chunk it could not take, deltas are
 * skipped and onKeyframeWanted() is called once (send {"type":"keyframe"}: the next chunk is a key).
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
    this.decoder = new VideoDecoder({
      output: (frame) => { this.decoded++; this.onFrame(frame, Number(frame.timestamp)); },
      error: (e) => { this.onError(e); this.wantKey(); this.decoder = null; },
    });
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
    // The chunk's sequence number as its timestamp: the frame that comes out says which request it answers.
    this.decoder.decode(new EncodedVideoChunk({ type: chunk.key ? 'key' : 'delta', timestamp: chunk.seq, data: chunk.data }));
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
