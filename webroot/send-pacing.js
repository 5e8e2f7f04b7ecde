// When the next camera frame may be taken under a frame-rate cap. Send slots are 1000/fps apart from
// one slot to the next, not from when the last frame went: a camera frame that comes a little late
// (timer jitter, a busy main thread) must not push every later slot back, or a 30 fps camera under a
// 30 fps cap loses a frame each time the delays add up to an interval (27.8 frames/s measured that
// way). After a pause (a full window, no frame) the next slot is half an interval on, so no burst
// follows it, and over any stretch the rate stays at most the cap (plus one frame).

export class SendPacing {
  constructor() {
    this.nextAt = -Infinity; // performance.now() of the next slot
  }

  /** How long until a frame may be taken (0 or less: now). */
  waitMs(now) {
    return this.nextAt - now;
  }

  /** A frame was taken at `now` under a cap of `fps`. */
  took(now, fps) {
    const interval = 1000 / fps;
    this.nextAt = Math.max(this.nextAt, now - interval / 2) + interval;
  }

  /** A new session or camera: the next frame may go at once. */
  reset() {
    this.nextAt = -Infinity;
  }
}
