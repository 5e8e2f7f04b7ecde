// Where each frame's time goes, on the page: a stacked bar per recent frame (network, server queue,
// decode, ops, encode, from the server's per-frame timings), and glass-to-glass latency (from the
// camera frame's capture to the processed frame on screen).
'use strict';

const FrameTimings = (() => {
  const KEEP = 40; // frames shown and remembered
  const STAGES = [
    { name: 'network', color: '#8a8f98' },
    { name: 'queue', color: '#e0a030' },
    { name: 'decode', color: '#4a90d9' },
    { name: 'ops', color: '#5cb85c' },
    { name: 'encode', color: '#9b59b6' },
  ];
  const roundTrips = new Map(); // seq -> ms, until the server's timing for it arrives
  const captures = new Map(); // seq -> capture time (performance.now() timebase)
  const bars = []; // { seq, network, queue, decode, ops, encode } in ms
  const glassToGlass = [];
  let lastVideoFrameTime = null;

  // The camera frame's own capture time where the browser has it (requestVideoFrameCallback),
  // else the moment the page copies the frame.
  function watchVideo(video) {
    if (!('requestVideoFrameCallback' in HTMLVideoElement.prototype)) return;
    const onFrame = (now, metadata) => {
      lastVideoFrameTime = metadata.captureTime || metadata.presentationTime || now;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  function captured(seq) {
    captures.set(seq, lastVideoFrameTime !== null ? lastVideoFrameTime : performance.now());
    trim(captures);
  }

  function answered(seq, roundTripMs) {
    roundTrips.set(seq, roundTripMs);
    trim(roundTrips);
  }

  // Called once the processed frame is drawn: the next animation frame is when it is on screen.
  function drawn(seq) {
    const capturedAt = captures.get(seq);
    captures.delete(seq);
    if (capturedAt === undefined) return;
    requestAnimationFrame((shownAt) => {
      glassToGlass.push(shownAt - capturedAt);
      if (glassToGlass.length > 200) glassToGlass.shift();
    });
  }

  // stats.timings entries: [seq, processing, queue, decode, encode, [[op, micros]...], setup] in µs.
  function serverTimings(timings) {
    for (const [seq, processing, queue, decode, encode, ops, setup] of timings || []) {
      const roundTrip = roundTrips.get(seq);
      if (roundTrip === undefined || decode === undefined) continue;
      roundTrips.delete(seq);
      const opsMicros = (ops || []).reduce((sum, [, micros]) => sum + micros, 0) + (setup || 0);
      bars.push({
        seq,
        network: Math.max(0, roundTrip - (processing + queue) / 1000),
        queue: queue / 1000,
        decode: decode / 1000,
        ops: opsMicros / 1000,
        encode: encode / 1000,
        opNames: (ops || []).map(([op, micros]) => `${op} ${(micros / 1000).toFixed(1)}`).join(', '),
      });
      if (bars.length > KEEP) bars.shift();
    }
  }

  function trim(map) {
    while (map.size > KEEP * 4) map.delete(map.keys().next().value);
  }

  function percentile(values, p) {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }

  function render(canvas, legend) {
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (bars.length === 0) return;
    const total = (b) => STAGES.reduce((sum, s) => sum + b[s.name], 0);
    const max = Math.max(...bars.map(total), 1);
    const width = canvas.width / KEEP;
    bars.forEach((bar, i) => {
      let y = canvas.height;
      for (const stage of STAGES) {
        const h = (bar[stage.name] / max) * (canvas.height - 12);
        ctx.fillStyle = stage.color;
        ctx.fillRect(i * width + 1, y - h, width - 2, h);
        y -= h;
      }
    });
    ctx.fillStyle = '#333';
    ctx.font = '10px sans-serif';
    ctx.fillText(`${max.toFixed(0)} ms`, 2, 10);
    const last = bars[bars.length - 1];
    legend.textContent = STAGES.map((s) => `${s.name} ${last[s.name].toFixed(1)}`).join(' · ')
      + (last.opNames ? ` (${last.opNames})` : '') + ' ms';
  }

  return {
    STAGES, watchVideo, captured, answered, drawn, serverTimings, render,
    glassToGlassP50: () => percentile(glassToGlass, 0.5),
    glassToGlassP95: () => percentile(glassToGlass, 0.95),
    bars: () => bars.slice(),
  };
})();
window.FrameTimings = FrameTimings;
