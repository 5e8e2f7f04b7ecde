// A client's use of the latency-target controller (adaptive.js, docs/ADAPTIVE.md): the settings
// for the next frame (the caller's, or the controller's when on), what each frame was sent at,
// and the inputs the controller takes from replies and stats. No DOM, no clock of its own.

import { AdaptiveController, ADAPTIVE_CONSTANTS } from './adaptive.js';

const REMEMBERED_FRAMES = 64;

export class Adaptation {
  constructor({ enabled = true, targetMs = ADAPTIVE_CONSTANTS.defaultTargetMs } = {}) {
    this.enabled = enabled;
    this.targetMs = targetMs;
    this.controller = null;
    this.top = null; // {quality, width, fps} the controller starts from
    this.sent = new Map(); // seq -> bytes up of frames awaiting their reply
    this.camera = null; // {width, height} of the frames the settings were last asked for
  }

  /**
   * A new controller at the top of these settings (the caller's quality, the camera's width, the max fps),
   * for frames answered in this reply mode ('image', 'results' or 'both'; the client library adds the
   * reply format: 'image vp8'), compared as given.
   */
  restart(topQuality, topWidth, maxFps, reply = 'image') {
    this.top = { quality: topQuality, width: topWidth, fps: maxFps, reply };
    this.controller = new AdaptiveController(this.targetMs, topQuality, topWidth, maxFps);
    this.sent.clear();
  }

  /**
   * Restarts only when the top settings or the reply mode differ from the running controller's. A new
   * reply mode changes what the downlink carries (results alone: a few hundred bytes instead of the
   * image), so the steps the controller took and the cause it names ('the downlink') no longer hold.
   */
  follow(topQuality, topWidth, maxFps, reply = 'image') {
    const top = this.top;
    if (!top || top.quality !== topQuality || top.width !== topWidth || top.fps !== maxFps || top.reply !== reply) {
      this.restart(topQuality, topWidth, maxFps, reply);
    }
  }

  get active() {
    return this.enabled && this.controller !== null;
  }

  /** The frame size, JPEG quality and video bitrate (bits/s) for the next frame from a camera of cameraWidth × cameraHeight. */
  settings(cameraWidth, cameraHeight, quality) {
    this.camera = { width: cameraWidth, height: cameraHeight };
    if (!this.active) return { width: cameraWidth, height: cameraHeight, quality, bitrate: ADAPTIVE_CONSTANTS.videoBitrateTop };
    const width = Math.min(cameraWidth, this.controller.width);
    return { width, height: evenHeight(cameraWidth, cameraHeight, width), quality: this.controller.quality,
      bitrate: this.controller.bitrate };
  }

  /** The send window while the controller runs: as many frames as the link carries within the target. */
  get window() {
    return this.active ? this.controller.window : ADAPTIVE_CONSTANTS.windowStart;
  }

  fps(maxFps) {
    return this.active ? Math.min(maxFps, this.controller.fps) : maxFps;
  }

  onSend(seq, bytes) {
    this.sent.set(seq, bytes);
    if (this.sent.size > REMEMBERED_FRAMES) this.sent.delete(this.sent.keys().next().value);
  }

  onReply(seq, roundTripMs, bytesDown) {
    const bytesUp = this.sent.get(seq);
    this.sent.delete(seq);
    // Off, the controller decides nothing, so it must not collect either (a restart begins afresh).
    if (bytesUp !== undefined && this.active) this.controller.onReply(roundTripMs, bytesUp, bytesDown);
  }

  /** A stats message: the server's time (processing + queue p50), its slow_client drops, its reply quality. */
  onStats(stats) {
    if (!this.active) return;
    const server = stats.processMs && stats.processMs.count > 0 ? stats.processMs.p50 + (stats.queueMs ? stats.queueMs.p50 : 0) : -1;
    const slowClient = stats.dropped ? stats.dropped.slow_client || 0 : 0;
    this.controller.onStats(server, slowClient, stats.replyQuality || 0);
  }

  /** Whether the settings changed (the controller decides at most once per decisionMs). */
  tick(nowMs, oldestUnansweredMs) {
    return this.active && this.controller.tick(nowMs, oldestUnansweredMs);
  }

  /** What a page shows: {enabled, targetMs, quality, bitrate, width, height, fps, window, limiter, changes, atTop}; only the first two before a camera. */
  get state() {
    if (!this.active) return { enabled: this.enabled, targetMs: this.targetMs };
    const c = this.controller;
    const width = this.camera ? Math.min(this.camera.width, c.width) : c.width;
    const height = this.camera ? evenHeight(this.camera.width, this.camera.height, width) : undefined;
    return { enabled: true, targetMs: this.targetMs, quality: c.quality, bitrate: c.bitrate, width, height, fps: c.fps,
      window: c.window, limiter: c.limiter, changes: c.changes, atTop: c.atTop };
  }
}

/** The height that keeps the aspect ratio at width, rounded to an even number (JPEG's 4:2:0 chroma). */
export function evenHeight(cameraWidth, cameraHeight, width) {
  return Math.max(2, Math.round((cameraHeight * width) / cameraWidth / 2) * 2);
}
