// The credit window: how many frames may be on their way at once. A frame takes a credit when it
// is sent and gives it back with its reply or its error. A frame the server dropped (stale,
// awaiting_key, ...) gets neither; the server answers frames in order, so a reply to a later frame
// gives its credit back (answered()), else it comes back after timeoutMs. Time is passed in (ms, any origin).

export class CreditWindow {
  constructor(size = 2, timeoutMs = 3000) {
    this.timeoutMs = timeoutMs;
    this.sentAt = new Map(); // seq -> when it was sent, oldest first
    this.resize(size);
  }

  resize(size) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window ${size}: at least 1 frame`);
    this.size = size;
  }

  get inFlight() {
    return this.sentAt.size;
  }

  /** Whether a frame may be sent now (credits of frames older than the timeout come back first). */
  hasRoom(nowMs) {
    this.expire(nowMs);
    return this.sentAt.size < this.size;
  }

  /**
   * Takes a credit for frame seq; false when the window is full. evenIfFull: a frame that had room
   * when it was captured (a video chunk: dropping it after its encoder would spoil the deltas after
   * it) goes although the window shrank meanwhile.
   */
  take(seq, nowMs, evenIfFull = false) {
    if (!this.hasRoom(nowMs) && !evenIfFull) return false;
    this.sentAt.set(seq, nowMs);
    return true;
  }

  /** Gives frame seq's credit back (its reply or error came): when it was sent, or undefined. */
  settle(seq) {
    const sentAt = this.sentAt.get(seq);
    this.sentAt.delete(seq);
    return sentAt;
  }

  /**
   * Frame seq's reply came: its credit back, and those of the frames sent before it, which the server
   * answers in order and so dropped (an error is no reply: a frame's error can come before an earlier
   * frame's reply, so errors settle() only their own). The seqs given up on that way, oldest first;
   * none when seq holds no credit (given up already, or of another session).
   */
  answered(seq) {
    if (!this.sentAt.has(seq)) return [];
    const dropped = [];
    for (const earlier of this.sentAt.keys()) {
      if (earlier === seq) break; // oldest first: in the order sent
      dropped.push(earlier);
    }
    for (const earlier of dropped) this.sentAt.delete(earlier);
    this.sentAt.delete(seq);
    return dropped;
  }

  /** Gives back the credits of frames sent more than timeoutMs ago; how many. */
  expire(nowMs) {
    let expired = 0;
    for (const [seq, sentAt] of this.sentAt) {
      if (nowMs - sentAt <= this.timeoutMs) break; // oldest first: the rest are younger
      this.sentAt.delete(seq);
      expired++;
    }
    return expired;
  }

  /** The age of the oldest frame still waiting for its reply, 0 if none. */
  oldestAgeMs(nowMs) {
    const oldest = this.sentAt.values().next();
    return oldest.done ? 0 : nowMs - oldest.value;
  }

  /** When the oldest credit comes back by itself, from now (Infinity if none is taken). */
  nextExpiryInMs(nowMs) {
    const oldest = this.sentAt.values().next();
    return oldest.done ? Infinity : Math.max(0, oldest.value + this.timeoutMs - nowMs);
  }

  clear() {
    this.sentAt.clear();
  }
}
