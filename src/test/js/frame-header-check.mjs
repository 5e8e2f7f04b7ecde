// Java's FrameFormat against webroot/frame-header.js: reads vectors [{seq, timestamp, hex}] that
// Java encoded, prints per vector one JSON line {hex: the header JS encodes from seq and timestamp,
// seq and timestamp: what JS decodes from Java's bytes}, for ClientLibraryTest to compare.
//   node src/test/js/frame-header-check.mjs vectors.json
import { readFileSync } from 'node:fs';
import { encodeHeader, decodeHeader } from '../../../webroot/frame-header.js';

const hex = (bytes) => Buffer.from(bytes).toString('hex');

for (const vector of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  const javaBytes = Buffer.from(vector.hex, 'hex');
  const decoded = decodeHeader(new Uint8Array(javaBytes));
  console.log(JSON.stringify({
    hex: hex(new Uint8Array(encodeHeader(vector.seq, BigInt(vector.timestamp)))),
    seq: decoded.seq,
    timestamp: decoded.timestamp.toString(),
  }));
}
