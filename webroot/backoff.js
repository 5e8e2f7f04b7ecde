// How long to wait before each reconnect: a ceiling doubling from minMs up to maxMs, and a delay
// drawn at random between half the ceiling and the ceiling ("equal jitter"), so that the clients
// of a server that restarts do not all come back in the same millisecond. The caller resets it
// once a session proved itself (see FrameLoopClient), not on every open: a server that closes
// right after accepting gets ever longer pauses, not a reconnect every minMs.

export class Backoff {
  /** random: a source of numbers in [0, 1), Math.random unless a test gives its own. */
  constructor({ minMs = 500, maxMs = 8000, factor = 2, random = Math.random } = {}) {
    if (!(minMs > 0) || !(maxMs >= minMs) || !(factor >= 1)) throw new RangeError('0 < minMs <= maxMs and factor >= 1');
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.factor = factor;
    this.random = random;
    this.reset();
  }

  /** The ceiling of the next attempt's delay; each call doubles the one after, up to maxMs. */
  next() {
    const delay = this.delayMs;
    this.delayMs = Math.min(this.maxMs, delay * this.factor);
    this.attempts++;
    return delay;
  }

  /** The delay before the next attempt: next()'s ceiling with equal jitter, within [ceiling / 2, ceiling]. */
  nextDelayMs() {
    const ceiling = this.next();
    const random = Math.min(Math.max(this.random(), 0), 1);
    return Math.round(ceiling / 2 + random * (ceiling / 2));
  }

  reset() {
    this.delayMs = this.minMs;
    this.attempts = 0;
  }
}
