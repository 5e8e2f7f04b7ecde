// Where each frame's time goes: the server's per-frame timings in stats (docs/PROTOCOL.md,
// "timings": [seq, processing, queue, decode, encode, [[op, micros]...], setup] in µs) joined
// with the client's own round trip of that frame. All results in ms.

const REMEMBERED_FRAMES = 160;

export class StageTimings {
  constructor() {
    this.roundTrips = new Map(); // seq -> ms, until the server's timing for it arrives
  }

  answered(seq, roundTripMs) {
    this.roundTrips.set(seq, roundTripMs);
    while (this.roundTrips.size > REMEMBERED_FRAMES) this.roundTrips.delete(this.roundTrips.keys().next().value);
  }

  /** One {seq, network, queue, decode, ops, encode, opNames} per timed frame this client saw answered. */
  fromStats(timings) {
    const frames = [];
    for (const [seq, processing, queue, decode, encode, ops, setup] of timings || []) {
      const roundTrip = this.roundTrips.get(seq);
      if (roundTrip === undefined || decode === undefined) continue;
      this.roundTrips.delete(seq);
      const opsMicros = (ops || []).reduce((sum, [, micros]) => sum + micros, 0) + (setup || 0);
      frames.push({
        seq,
        network: Math.max(0, roundTrip - (processing + queue) / 1000),
        queue: queue / 1000,
        decode: decode / 1000,
        ops: opsMicros / 1000,
        encode: encode / 1000,
        opNames: (ops || []).map(([op, micros]) => `${op} ${(micros / 1000).toFixed(1)}`).join(', '),
      });
    }
    return frames;
  }
}
