// The latency-target controller specified in docs/ADAPTIVE.md: picks the JPEG quality, frame width
// and frame rate that keep the round trip under a target. It is the same state machine as
// src/main/java/io/frameloop/replay/AdaptiveController.java, and both read their constants from
// adaptive-constants.json (AdaptiveControllerTest runs the same inputs through both, this one under
// node). Time is passed in (milliseconds, any origin), so that traces replay exactly.

import { nearestRank } from './percentile.js';

// Fetched, not imported `with { type: 'json' }`: JSON modules need Chrome 123, Safari 17.2 or
// Firefox 138, and an older browser would refuse the whole module graph. Top-level await holds the
// modules that import this one until the constants are in (a failed fetch fails the import, naming why).
const constantsUrl = new URL('./adaptive-constants.json', import.meta.url);
const constantsResponse = await fetch(constantsUrl);
if (!constantsResponse.ok) throw new Error(`${constantsUrl} answered ${constantsResponse.status}`);
export const ADAPTIVE_CONSTANTS = await constantsResponse.json();

export class AdaptiveController {
  // topQuality: the best JPEG quality (0–1), the start, lowered by qualityStep down to qualityFloor;
  // topWidth: the widest frame, then the narrower of the constants' widths;
  // maxFps: the highest frame rate, then the lower of the constants' fpsSteps.
  // constants: adaptive-constants.json (other values only for experiments);
  // video: frames go up as VP8 chunks (the quality ladder is the bitrate ladder): a downlink limit
  // then steps only the frame rate, since bitrate and width shrink the chunks up, not the replies down.
  constructor(targetMs, topQuality, topWidth, maxFps, constants = ADAPTIVE_CONSTANTS, { video = false } = {}) {
    if (!(targetMs > 0) || !(topQuality > 0 && topQuality <= 1) || !(topWidth >= 16) || !(maxFps >= 1)) {
      throw new Error('target, quality (0-1], width and fps must be positive');
    }
    this.constants = constants;
    this.video = video;
    this.targetMs = targetMs;
    this.qualities = [topQuality];
    for (let i = 1; topQuality - this.constants.qualityStep * i >= this.constants.qualityFloor - 1e-9; i++) {
      this.qualities.push(Math.round((topQuality - this.constants.qualityStep * i) * 100) / 100);
    }
    this.widths = [topWidth, ...this.constants.widths.filter((w) => w < topWidth)];
    this.fpsSteps = [maxFps, ...this.constants.fpsSteps.filter((f) => f < maxFps)];
    this.qi = 0;
    this.wi = 0;
    this.fi = 0;
    this.roundTrips = [];
    this.bytesUp = 0;
    this.bytesDown = 0;
    this.serverMs = 0;
    this.downlinkSignal = false;
    this.slowClientDrops = 0;
    this.bestReplyQuality = 0;
    this.baseMs = Infinity;
    this.lastDecisionAt = -1;
    this.lastChange = 'none';
    this.lastChangeAt = 0;
    this.upHold = this.constants.upHoldMin;
    this.calmWindows = 0;
    this.overWindows = 0;
    this.limiter = 'none';
    this.changes = 0;
    this.window = this.constants.windowStart;
    this.probe = null; // the ladder the last decision stepped up ('fps', 'width', 'quality'), until the next decision
    this.limiterBeforeProbe = 'none';
    this.probeRepliesOver = 0; // consecutive replies over the target since the probe began
  }

  // A reply: its round trip and the bytes of the frame up and of the reply down.
  onReply(roundTripMs, frameBytesUp, replyBytesDown) {
    this.roundTrips.push(roundTripMs);
    this.bytesUp += frameBytesUp;
    this.bytesDown += replyBytesDown;
    this.baseMs = Math.min(this.baseMs, roundTripMs);
    if (this.probe) this.probeRepliesOver = roundTripMs > this.targetMs ? this.probeRepliesOver + 1 : 0;
  }

  // A stats message: the server's processing + queue p50 (ms; ignored when negative), its
  // slow_client drop total and its replyQuality (0 if absent).
  onStats(serverTimeMs, slowClientDropTotal, replyQuality) {
    if (serverTimeMs >= 0) this.serverMs = serverTimeMs;
    if (slowClientDropTotal > this.slowClientDrops || (replyQuality > 0 && replyQuality < this.bestReplyQuality)) {
      this.downlinkSignal = true;
    }
    this.slowClientDrops = Math.max(this.slowClientDrops, slowClientDropTotal);
    this.bestReplyQuality = Math.max(this.bestReplyQuality, replyQuality);
  }

  // Called often; decides at most once per decisionMs. oldestUnansweredMs: the age of the
  // oldest frame still waiting for its reply (0 if none). Returns whether the settings changed.
  tick(nowMs, oldestUnansweredMs) {
    if (this.lastDecisionAt < 0) {
      this.lastDecisionAt = nowMs;
      return false;
    }
    if (this.probe && this.probeRepliesOver >= this.constants.probeAbortReplies) return this.undoProbe(nowMs);
    if (nowMs - this.lastDecisionAt < this.constants.decisionMs) return false;
    this.probe = null; // a whole window at the new step: the rules below judge it
    const rate = this.roundTrips.length * 1000 / (nowMs - this.lastDecisionAt);
    this.lastDecisionAt = nowMs;
    const samples = [...this.roundTrips];
    if (oldestUnansweredMs > this.targetMs) samples.push(oldestUnansweredMs); // a stalled link counts
    if (samples.length === 0) return false;
    samples.sort((a, b) => a - b);
    const p50 = nearestRank(samples, 0.5);
    const p95 = nearestRank(samples, 0.95);
    const cause = this.limiterOf(p50);
    this.resetWindow();
    this.window = this.windowFor(rate, p95);
    if (this.lastChange === 'up' && nowMs - this.lastChangeAt > this.constants.probeMs) {
      this.upHold = Math.max(this.constants.upHoldMin, Math.floor(this.upHold / 2)); // the last step up held: probe sooner again
      this.lastChange = 'none';
    }
    this.overWindows = p95 > this.constants.p95Margin * this.targetMs ? this.overWindows + 1 : 0;
    if (p50 > this.targetMs || this.overWindows >= this.constants.overWindows) {
      this.calmWindows = 0;
      const steps = p50 > this.constants.jumpFactor * this.targetMs ? 2 : 1;
      let changed = false;
      for (let i = 0; i < steps; i++) changed = this.stepDown(cause, rate, p50 > this.constants.queueFactor * this.baseMs) || changed;
      if (changed) {
        this.limiter = cause;
        if (this.lastChange === 'up' && nowMs - this.lastChangeAt <= this.constants.probeMs) {
          this.upHold = Math.min(this.constants.upHoldMax, this.upHold * 2); // the probe failed: wait longer
        }
        this.noteChange('down', nowMs);
      }
      return changed;
    }
    const growth = this.nextUpGrowth();
    if (growth > 0 && this.baseMs + (p95 - this.baseMs) * growth <= this.constants.headroom * this.targetMs) {
      this.calmWindows++;
      if (this.calmWindows >= this.upHold) {
        this.calmWindows = 0;
        this.limiterBeforeProbe = this.limiter;
        this.probe = this.stepUp();
        this.probeRepliesOver = 0;
        if (this.atTop) this.limiter = 'none';
        this.noteChange('up', nowMs);
        return true;
      }
    } else {
      this.calmWindows = 0;
    }
    return false;
  }

  // The frames to keep in flight (docs/ADAPTIVE.md, "The send window"). Over the target: as many as
  // the link delivered (rate) within the round trip the target allows, at least one fewer. With
  // headroom (or no queue on a path longer than the target): one more, up to one more than the rate
  // keeps in flight over the floor's round trip (Little's law), so that a window never holds more
  // than one frame of queue beyond what the link carries. In between: as it is.
  windowFor(rate, p95) {
    const c = this.constants;
    const floorMs = Number.isFinite(this.baseMs) ? this.baseMs : 0;
    let next = this.window;
    if (p95 > Math.max(this.targetMs, c.queueFactor * floorMs)) {
      const carried = Math.floor(rate * Math.max(floorMs, c.headroom * this.targetMs) / 1000);
      next = Math.min(this.window - 1, carried);
    } else if (p95 <= Math.max(c.headroom * this.targetMs, c.queueFactor * floorMs)) {
      next = Math.min(this.window + 1, Math.ceil(rate * floorMs / 1000) + 1);
    }
    return Math.max(c.windowMin, Math.min(c.windowMax, next));
  }

  // A step up whose first replies each came back over the target: the link did not carry it, and a
  // whole window at it would put a second of frames over the target. Undone at once, as a failed
  // probe (the next one waits twice as long); a new window begins.
  undoProbe(nowMs) {
    if (this.probe === 'fps') this.fi++;
    else if (this.probe === 'width') this.wi++;
    else this.qi++;
    this.probe = null;
    this.limiter = this.limiterBeforeProbe;
    this.upHold = Math.min(this.constants.upHoldMax, this.upHold * 2);
    this.calmWindows = 0;
    this.lastDecisionAt = nowMs;
    this.resetWindow();
    this.noteChange('down', nowMs);
    return true;
  }

  noteChange(change, nowMs) {
    this.lastChange = change;
    this.lastChangeAt = nowMs;
    this.changes++;
  }

  resetWindow() {
    this.roundTrips = [];
    this.bytesUp = 0;
    this.bytesDown = 0;
    this.downlinkSignal = false;
  }

  // The heuristic of docs/ADAPTIVE.md, on the window that just ended.
  limiterOf(p50) {
    if (this.downlinkSignal) return 'downlink';
    if (this.serverMs >= this.constants.serverShare * p50) return 'server';
    return this.bytesUp >= this.bytesDown / this.constants.downlinkSpeedup ? 'uplink' : 'downlink';
  }

  // rate: replies per second in the window that just ended; queued: whether its median is above the floor.
  stepDown(cause, rate, queued) {
    // Quality and size barely change a server's time when its pipeline sets the output. With video,
    // bitrate and width shrink chunks of a few KB up while the downlink carries the replies: a
    // downlink limit is met by fewer frames (the window follows by itself).
    const rateOnly = cause === 'server' || (this.video && cause === 'downlink');
    if (!rateOnly && this.qi < this.qualities.length - 1) {
      this.qi++;
      return true;
    }
    if (!rateOnly && this.wi < this.widths.length - 1) {
      this.wi++;
      return true;
    }
    if (this.fi >= this.fpsSteps.length - 1 || !queued) {
      return false; // fewer frames only shorten queues: without one, they would cost frames for nothing
    }
    this.fi++;
    while (this.fi < this.fpsSteps.length - 1 && this.fpsSteps[this.fi] >= rate) {
      this.fi++; // a cap above the rate replies came at would change nothing
    }
    return true;
  }

  // Returns the ladder it raised.
  stepUp() {
    if (this.fi > 0) {
      this.fi--;
      return 'fps';
    }
    if (this.wi > 0) {
      this.wi--;
      return 'width';
    }
    this.qi--;
    return 'quality';
  }

  // The round trip's predicted growth from the next step up (bytes ∝ area), or 0 at the top.
  nextUpGrowth() {
    if (this.fi > 0) return 1;
    if (this.wi > 0) {
      const ratio = this.widths[this.wi - 1] / this.widths[this.wi];
      return ratio * ratio;
    }
    return this.qi > 0 ? this.constants.qualityGrowth : 0;
  }

  get quality() { return this.qualities[this.qi]; }
  get width() { return this.widths[this.wi]; }
  get fps() { return this.fpsSteps[this.fi]; }
  // Video: the quality ladder is the bitrate ladder, top to floor, so bitrate goes down before the
  // width, and the width only once the bitrate is at its floor.
  get bitrate() {
    const { videoBitrateTop: top, videoBitrateFloor: floor } = this.constants;
    const n = this.qualities.length;
    return n === 1 ? top : Math.round(top - (top - floor) * this.qi / (n - 1));
  }
  get atTop() { return this.qi === 0 && this.wi === 0 && this.fi === 0; }
  get levels() { return `${this.qi},${this.wi},${this.fi}`; }
}
