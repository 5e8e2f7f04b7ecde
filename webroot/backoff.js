// How long to wait before each reconnect: doubling from minMs up to maxMs, back to minMs once a
// connection opens.

export class Backoff {
  constructor({ minMs = 500, maxMs = 8000, factor = 2 } = {}) {
    if (!(minMs > 0) || !(maxMs >= minMs) || !(factor >= 1)) throw new RangeError('0 < minMs <= maxMs and factor >= 1');
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.factor = factor;
    this.reset();
  }

  /** The delay before the next attempt; each call doubles the one after, up to maxMs. */
  next() {
    const delay = this.delayMs;
    this.delayMs = Math.min(this.maxMs, delay * this.factor);
    this.attempts++;
    return delay;
  }

  reset() {
    this.delayMs = this.minMs;
    this.attempts = 0;
  }
}
