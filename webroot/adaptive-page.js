// The page's side of the latency-target controller (adaptive.js, docs/ADAPTIVE.md): the Adapt
// checkbox and target field, the settings in force and what limits them, and a log of recent
// replies (window.frameloopAdaptive.samples: tests and the console read it). app.js asks it for the
// frame size, quality and rate to use and tells it about frames sent, replies and stats.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_SAMPLES = 3000;
  const LIMITS = { none: 'nothing (top settings)', uplink: 'the uplink', server: 'the server', downlink: 'the downlink' };

  const page = {
    controller: null,
    sent: new Map(), // seq -> {bytes, quality, width} of frames awaiting their reply
    samples: [], // {at, rtt, up, down, quality, width, adaptive} per reply, oldest first
    enabled() {
      return $('adaptive').checked;
    },
    // The capture size and quality for the next frame: the manual ones, or the controller's.
    settings(width, height, quality) {
      if (!this.enabled()) return { width, height, quality };
      const c = this.controller;
      return { width: c.width, height: Math.round((height * c.width) / width / 2) * 2, quality: c.quality };
    },
    fps(maxFps) {
      return this.enabled() ? Math.min(maxFps, this.controller.fps) : maxFps;
    },
    onSend(seq, bytes, quality, width) {
      this.sent.set(seq, { bytes, quality, width });
      if (this.sent.size > 64) this.sent.delete(this.sent.keys().next().value);
    },
    onReply(seq, roundTripMs, bytesDown) {
      const frame = this.sent.get(seq);
      this.sent.delete(seq);
      if (!frame) return;
      // Off, the controller decides nothing, so it must not collect either (restart() begins afresh).
      if (this.enabled()) this.controller.onReply(roundTripMs, frame.bytes, bytesDown);
      this.samples.push({ at: performance.now(), rtt: roundTripMs, up: frame.bytes, down: bytesDown,
        quality: frame.quality, width: frame.width, adaptive: this.enabled() });
      if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    },
    onStats(stats) {
      if (!this.enabled()) return;
      const server = stats.processMs && stats.processMs.count > 0 ? stats.processMs.p50 + (stats.queueMs ? stats.queueMs.p50 : 0) : -1;
      const slowClient = stats.dropped ? stats.dropped.slow_client || 0 : 0;
      this.controller.onStats(server, slowClient, stats.replyQuality || 0);
    },
    // A new controller at the top of the manual settings: on load, and when they or the target change.
    restart() {
      const [width] = $('size').value.split('x').map(Number);
      const target = Number($('target-ms').value) > 0 ? Number($('target-ms').value) : AdaptiveController.DEFAULT_TARGET_MS;
      this.controller = new AdaptiveController(target, Number($('quality').value), width, Math.max(1, Number($('fps').value) || 30));
      render();
    },
  };
  window.frameloopAdaptive = page;

  function render() {
    const c = page.controller;
    if (!page.enabled()) {
      $('adaptive-state').textContent = 'off: the manual settings above';
      return;
    }
    const [width, height] = $('size').value.split('x').map(Number);
    $('adaptive-state').textContent = `quality ${c.quality.toFixed(2)}, ${c.width}×${Math.round((height * c.width) / width / 2) * 2}, `
      + `up to ${c.fps} fps; limited by ${LIMITS[c.limiter]}`;
  }

  // Decisions come from the controller at most once a second; ticking more often only keeps them on time.
  setInterval(() => {
    const state = window.frameloop;
    if (!page.enabled() || !state || !state.running) return;
    const oldest = state.inFlight.values().next();
    if (page.controller.tick(performance.now(), oldest.done ? 0 : performance.now() - oldest.value)) render();
  }, 200);

  for (const id of ['adaptive', 'target-ms', 'size', 'quality', 'fps']) $(id).addEventListener('change', () => page.restart());
  page.restart();
})();
