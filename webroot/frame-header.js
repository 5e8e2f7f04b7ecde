// Protocol v1's binary frame header (docs/PROTOCOL.md, "Frames"): the browser's one encoder and
// decoder of it. Java's io.frameloop.protocol.FrameFormat writes the same 16 bytes;
// ClientLibraryTest checks the two byte for byte.

export const HEADER_BYTES = 16;
export const SUBPROTOCOL = 'frameloop.v1';

const MAGIC_0 = 0x46; // "F"
const MAGIC_1 = 0x4C; // "L"
const VERSION = 1;

// Header byte 3 (docs/PROTOCOL.md, "Video"): the payload is a video chunk, not a JPEG; KEY only with VIDEO.
export const FLAG_VIDEO = 0x01;
export const FLAG_KEY = 0x02;
const KNOWN_FLAGS = [0, FLAG_VIDEO, FLAG_VIDEO | FLAG_KEY];

/**
 * The header of a framed message: "FL", version 1, the flags (0: a JPEG; FLAG_VIDEO, with FLAG_KEY
 * for a key chunk), the u32 sequence and the i64 timestamp, big-endian. seq: 0 to 2^32-1;
 * timestamp: an integer (number or BigInt), opaque to the server, echoed in the reply.
 */
export function encodeHeader(seq, timestamp, flags = 0) {
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xFFFFFFFF) throw new RangeError(`sequence ${seq} is not a u32`);
  if (!KNOWN_FLAGS.includes(flags)) throw new RangeError(`flags ${flags}: 0, VIDEO or VIDEO | KEY`);
  const header = new ArrayBuffer(HEADER_BYTES);
  const view = new DataView(header);
  view.setUint8(0, MAGIC_0);
  view.setUint8(1, MAGIC_1);
  view.setUint8(2, VERSION);
  view.setUint8(3, flags);
  view.setUint32(4, seq);
  view.setBigInt64(8, BigInt.asIntN(64, BigInt(timestamp)));
  return header;
}

/**
 * The header of a binary message (ArrayBuffer or a view of one): {seq, timestamp (BigInt), flags}, or
 * null for a bare JPEG (FF D8), which has none. Throws for anything else, naming what is wrong.
 */
export function decodeHeader(message) {
  const bytes = message instanceof ArrayBuffer ? new Uint8Array(message)
    : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
  if (bytes.length >= 2 && bytes[0] === 0xFF && bytes[1] === 0xD8) return null;
  if (bytes.length < 2 || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {
    throw new Error('not a frame: a binary message starts with FF D8 or "FL"');
  }
  if (bytes.length < HEADER_BYTES) throw new Error(`truncated header: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (view.getUint8(2) !== VERSION) throw new Error(`unsupported protocol version ${view.getUint8(2)}`);
  const flags = view.getUint8(3);
  if (!KNOWN_FLAGS.includes(flags)) throw new Error(`unsupported header flags ${flags}`);
  return { seq: view.getUint32(4), timestamp: view.getBigInt64(8), flags };
}

/** The JPEG bytes of a binary message, after its header if it has one. */
export function payloadOf(message) {
  return decodeHeader(message) === null ? new Uint8Array(message) : new Uint8Array(message, HEADER_BYTES);
}
