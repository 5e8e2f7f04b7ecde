// FrameLoop page: captures camera frames, sends them as protocol v1 framed JPEGs with flow
// control, draws the processed replies on a canvas, and shows the live numbers.
'use strict';

const $ = (id) => document.getElementById(id);

const HEADER_BYTES = 16;
const FRAME_TIMEOUT_MS = 3000; // a frame the server dropped gets no reply: free its slot after this
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 8000;

const state = {
  ws: null,
  reconnectDelay: RECONNECT_MIN_MS,
  reconnectTimer: null,
  framesPath: null,
  started: false,
  stream: null,
  running: false,
  seq: 0,
  inFlight: new Map(), // seq -> performance.now() when sent
  capturing: false,
  lastSendAt: 0,
  pumpTimer: null,
  sentTimes: [],
  recvTimes: [],
  latencies: [],
  received: 0,
  bytesUp: 0,
  bytesDown: 0,
  hello: null,
  recording: false,
};
// Read by tests and handy in the console.
window.frameloop = state;

const adaptive = window.frameloopAdaptive; // adaptive-page.js: the latency-target controller
const captureCanvas = document.createElement('canvas');
const processed = $('processed');
const processedCtx = processed.getContext('2d');

// ---- messages -------------------------------------------------------------------------------

function showMessage(text, isError) {
  const box = $('message');
  box.textContent = text;
  box.classList.toggle('error', !!isError);
  box.hidden = !text;
}

function setConnection(text, cls) {
  const badge = $('connection');
  badge.textContent = text;
  badge.className = 'badge ' + (cls || '');
}

// ---- WebSocket --------------------------------------------------------------------------------

function framesUrl() {
  // Same host and scheme as the page; the path from the server's frameloop.json (next to the page,
  // wherever it is mounted), else "frames" beside the page.
  const url = new URL(state.framesPath || 'frames', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

async function loadPageConfig() {
  try {
    const response = await fetch('frameloop.json', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
    if (response.ok) state.framesPath = (await response.json()).framesPath;
  } catch (e) {
    // served without it (e.g. as static files): keep the relative default
  }
}

// The session token: from the address's #token=… (then taken out of the address bar and history) or
// the Token field. Browsers cannot set headers on a WebSocket, so it travels as a subprotocol.
function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token) {
    $('token').value = token;
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
  }
}

function sessionToken() {
  return $('token').value.trim();
}

// A refused handshake tells the page nothing (close code 1006): ask the same URL over plain HTTP,
// where the server answers with its status and reason before looking for an Upgrade.
async function whyRefused() {
  try {
    const token = sessionToken();
    const response = await fetch(framesUrl().replace(/^ws/, 'http'),
      { headers: token ? { Authorization: 'Bearer ' + token } : {}, cache: 'no-store' });
    if (response.status === 426) return null; // the token is fine: the server was unreachable or full
    const reason = (await response.text()).slice(0, 300);
    if (response.status === 401 && !token) {
      return { fatal: true, text: `The server needs a session token: open this page with #token=<token> or paste it in the Token field. (${reason})` };
    }
    return { fatal: response.status === 401 || response.status === 403, text: `The server refused the session (HTTP ${response.status}): ${reason}` };
  } catch (e) {
    return null;
  }
}

function connect() {
  setConnection('connecting…');
  const token = sessionToken();
  const ws = token ? new WebSocket(framesUrl(), ['frameloop.v1', 'bearer.' + token]) : new WebSocket(framesUrl());
  ws.binaryType = 'arraybuffer';
  state.ws = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true;
    state.reconnectDelay = RECONNECT_MIN_MS;
    setConnection('connected', 'open');
    // Per-frame stage timings in stats, for the stage bars.
    ws.send(JSON.stringify({ type: 'timings', enabled: true }));
    if ($('message').textContent.startsWith('Connection')) showMessage('');
  };
  ws.onmessage = (event) => {
    if (typeof event.data === 'string') onControl(JSON.parse(event.data));
    else onFrame(event.data);
  };
  ws.onclose = async (event) => {
    state.ws = null;
    state.inFlight.clear();
    if (state.recording) showRecording(false, 'the recording stopped with the connection');
    const delay = state.reconnectDelay;
    state.reconnectDelay = Math.min(RECONNECT_MAX_MS, delay * 2);
    setConnection('disconnected', 'closed');
    const refused = opened ? null : await whyRefused();
    if (refused && refused.fatal) {
      // The same token would be refused again: wait until the Token field changes.
      setConnection('refused', 'closed');
      showMessage(refused.text, true);
      return;
    }
    const why = refused ? refused.text : opened
      ? `Connection lost${event.reason ? ' (' + event.reason + ')' : ''}.`
      : 'Connection failed: the server is unreachable.';
    showMessage(`${why} Reconnecting in ${(delay / 1000).toFixed(1)} s…`, true);
    state.reconnectTimer = setTimeout(connect, delay);
  };
}

function onControl(message) {
  switch (message.type) {
    case 'hello':
      state.hello = message;
      buildPipelineControls(message);
      // Only a server with a recording directory offers recording.
      $('record').hidden = !message.recording;
      showRecording(false, '');
      break;
    case 'record':
      showRecording(message.enabled, message.enabled ? `recording ${message.id}`
        : message.id ? `saved ${message.id}: ${message.frames} frames${message.reason ? ' (' + message.reason + ')' : ''}` : '');
      break;
    case 'pipeline':
      state.pipeline = message; // the server's normalized pipeline, as it runs it
      $('out-quality').value = message.quality;
      break;
    case 'stats':
      adaptive.onStats(message);
      $('server-dropped').textContent = message.droppedTotal;
      $('server-errors').textContent = message.errors;
      if (message.processMs.count > 0) $('server-process').textContent = message.processMs.p50.toFixed(1);
      if (message.replyQuality !== undefined) $('reply-quality').textContent = message.replyQuality;
      FrameTimings.serverTimings(message.timings);
      if (message.recording) {
        showRecording(true, `recording ${message.recording.id}: ${message.recording.frames} frames, `
          + `${formatBytes(message.recording.bytes)}${message.recording.skipped ? ', ' + message.recording.skipped + ' skipped' : ''}`);
      }
      break;
    case 'error':
      if (message.seq !== undefined) state.inFlight.delete(message.seq);
      showMessage(`Server: ${message.message} (${message.code})`, true);
      schedulePump(0);
      break;
  }
}

function showRecording(recording, text) {
  state.recording = recording;
  $('record').textContent = recording ? 'Stop recording' : 'Record';
  $('record').setAttribute('aria-pressed', String(recording));
  $('record-state').textContent = text;
}

function onFrame(data) {
  const view = new DataView(data);
  if (data.byteLength < HEADER_BYTES || view.getUint8(0) !== 0x46 || view.getUint8(1) !== 0x4C) return;
  const seq = view.getUint32(4);
  const sentAtMicros = Number(view.getBigInt64(8));
  state.inFlight.delete(seq);
  const now = performance.now();
  const latency = now - sentAtMicros / 1000;
  state.latencies.push(latency);
  if (state.latencies.length > 200) state.latencies.shift();
  state.recvTimes.push(now);
  state.received++;
  state.bytesDown = data.byteLength;
  adaptive.onReply(seq, latency, data.byteLength);
  $('latency-last').textContent = latency.toFixed(1);
  FrameTimings.answered(seq, latency);
  $('recv-count').textContent = state.received;
  const blob = new Blob([new Uint8Array(data, HEADER_BYTES)], { type: 'image/jpeg' });
  createImageBitmap(blob).then((bitmap) => {
    if (processed.width !== bitmap.width || processed.height !== bitmap.height) {
      processed.width = bitmap.width;
      processed.height = bitmap.height;
    }
    processedCtx.drawImage(bitmap, 0, 0);
    bitmap.close();
    FrameTimings.drawn(seq);
  }).catch(() => showMessage('A processed frame could not be decoded.', true));
  schedulePump(0);
}

// ---- capture and flow control ------------------------------------------------------------------

function frameHeader(seq, timestampMicros) {
  const header = new ArrayBuffer(HEADER_BYTES);
  const view = new DataView(header);
  view.setUint8(0, 0x46); // "F"
  view.setUint8(1, 0x4C); // "L"
  view.setUint8(2, 1); // version
  view.setUint8(3, 0); // flags
  view.setUint32(4, seq >>> 0);
  view.setBigInt64(8, BigInt(timestampMicros));
  return header;
}

function schedulePump(delay) {
  if (state.pumpTimer !== null) clearTimeout(state.pumpTimer);
  state.pumpTimer = setTimeout(() => { state.pumpTimer = null; pump(); }, delay);
}

function pump() {
  const ws = state.ws;
  if (!state.running || !ws || ws.readyState !== WebSocket.OPEN || state.capturing) return;
  const now = performance.now();
  for (const [seq, sentAt] of state.inFlight) {
    if (now - sentAt > FRAME_TIMEOUT_MS) state.inFlight.delete(seq);
  }
  if (state.inFlight.size >= Number($('window').value)) {
    schedulePump(FRAME_TIMEOUT_MS); // a reply (or error) will pump sooner
    return;
  }
  const interval = 1000 / adaptive.fps(Math.max(1, Number($('fps').value) || 30));
  const wait = state.lastSendAt + interval - now;
  if (wait > 0) {
    schedulePump(wait);
    return;
  }
  captureAndSend(ws);
}

function captureAndSend(ws) {
  const video = $('local');
  if (video.readyState < 2) {
    schedulePump(50);
    return;
  }
  const [cameraWidth, cameraHeight] = $('size').value.split('x').map(Number);
  const { width, height, quality } = adaptive.settings(cameraWidth, cameraHeight, Number($('quality').value));
  captureCanvas.width = width;
  captureCanvas.height = height;
  captureCanvas.getContext('2d').drawImage(video, 0, 0, width, height);
  const seqToSend = (state.seq + 1) >>> 0;
  FrameTimings.captured(seqToSend);
  state.capturing = true;
  state.lastSendAt = performance.now();
  captureCanvas.toBlob((jpeg) => {
    state.capturing = false;
    if (!jpeg || ws.readyState !== WebSocket.OPEN || !state.running) return;
    const seq = state.seq = seqToSend;
    const sentAt = performance.now();
    state.inFlight.set(seq, sentAt);
    ws.send(new Blob([frameHeader(seq, Math.round(sentAt * 1000)), jpeg]));
    state.sentTimes.push(sentAt);
    state.bytesUp = HEADER_BYTES + jpeg.size;
    adaptive.onSend(seq, state.bytesUp, quality, width);
    schedulePump(0);
  }, 'image/jpeg', quality);
}

// ---- camera -------------------------------------------------------------------------------------

async function startCamera() {
  if (!window.isSecureContext || !navigator.mediaDevices) {
    showMessage('The camera needs a secure page: open it over https:// (see the README for TLS) or on http://localhost.', true);
    return;
  }
  const [width, height] = $('size').value.split('x').map(Number);
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: width }, height: { ideal: height } }, audio: false });
  } catch (e) {
    const reasons = {
      NotAllowedError: 'Camera permission was denied. Allow the camera for this page and press Start again.',
      NotFoundError: 'No camera was found on this device.',
      NotReadableError: 'The camera is in use by another application.',
      OverconstrainedError: 'The camera cannot capture at this size; pick another.',
    };
    showMessage(reasons[e.name] || `The camera could not be started: ${e.message}`, true);
    return;
  }
  $('local').srcObject = state.stream;
  state.running = true;
  $('start').textContent = 'Stop camera';
  $('start').classList.add('running');
  showMessage('');
  schedulePump(0);
}

function stopCamera() {
  state.running = false;
  if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
  state.stream = null;
  $('local').srcObject = null;
  state.inFlight.clear();
  $('start').textContent = 'Start camera';
  $('start').classList.remove('running');
}

// ---- pipeline controls, built from the server's hello --------------------------------------------

function buildPipelineControls(hello) {
  const container = $('ops');
  container.replaceChildren();
  const current = new Map(hello.pipeline.map((step) => [step.op, step]));
  for (const op of hello.ops) {
    const row = document.createElement('div');
    row.className = 'op' + (op.available ? '' : ' unavailable');
    row.dataset.op = op.op;
    const toggle = document.createElement('input');
    toggle.type = 'checkbox';
    toggle.checked = current.has(op.op);
    toggle.disabled = !op.available;
    toggle.id = 'op-' + op.op;
    const name = document.createElement('label');
    name.className = 'name';
    name.htmlFor = toggle.id;
    name.textContent = op.op;
    name.title = op.available ? op.description : `${op.description} — unavailable: ${op.reason}`;
    row.append(toggle, name);
    for (const param of op.params) row.append(paramInput(op, param, current.get(op.op)));
    if (!op.available) {
      const reason = document.createElement('span');
      reason.textContent = op.reason;
      row.append(reason);
    }
    container.append(row);
  }
  $('out-quality').value = hello.quality;
}

function paramInput(op, param, step) {
  const label = document.createElement('label');
  label.title = param.description;
  label.append(param.name + ' ');
  let input;
  if (param.type === 'choice') {
    input = document.createElement('select');
    // A choice without default (faces' model): the server picks, unless the user does.
    if (param.default === undefined) input.append(new Option('(default)', ''));
    for (const choice of param.choices) input.append(new Option(choice, choice));
  } else if (param.type === 'boolean') {
    input = document.createElement('input');
    input.type = 'checkbox';
  } else {
    input = document.createElement('input');
    input.type = 'number';
    input.min = param.min;
    input.max = param.max;
    input.step = param.type === 'int' ? 1 : 'any';
  }
  const value = step && step[param.name] !== undefined ? step[param.name] : param.default;
  if (param.type === 'boolean') input.checked = value === true;
  else if (value !== undefined) input.value = value;
  input.dataset.param = param.name;
  input.dataset.type = param.type;
  label.append(input);
  return label;
}

function sendPipeline() {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return;
  const ops = [];
  for (const row of $('ops').children) {
    if (!row.querySelector('input[type=checkbox]').checked) continue;
    const step = { op: row.dataset.op };
    for (const input of row.querySelectorAll('[data-param]')) {
      if (input.dataset.type === 'boolean') {
        step[input.dataset.param] = input.checked;
        continue;
      }
      if (input.value === '') continue;
      step[input.dataset.param] = input.dataset.type === 'choice' ? input.value : Number(input.value);
    }
    ops.push(step);
  }
  state.ws.send(JSON.stringify({ type: 'pipeline', ops, quality: Number($('out-quality').value) }));
}

// ---- live numbers --------------------------------------------------------------------------------

function perSecond(times, now) {
  while (times.length && now - times[0] > 1000) times.shift();
  return times.length;
}

function median(values) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function formatBytes(n) {
  return n ? (n >= 1024 ? (n / 1024).toFixed(1) + ' KiB' : n + ' B') : '–';
}

setInterval(() => {
  const now = performance.now();
  $('sent-fps').textContent = perSecond(state.sentTimes, now);
  $('recv-fps').textContent = perSecond(state.recvTimes, now);
  const p50 = median(state.latencies);
  $('latency-p50').textContent = p50 === null ? '–' : p50.toFixed(1);
  $('bytes-up').textContent = formatBytes(state.bytesUp);
  $('bytes-down').textContent = formatBytes(state.bytesDown);
  const g2g50 = FrameTimings.glassToGlassP50();
  const g2g95 = FrameTimings.glassToGlassP95();
  $('g2g-p50').textContent = g2g50 === null ? '–' : g2g50.toFixed(0);
  $('g2g-p95').textContent = g2g95 === null ? '–' : g2g95.toFixed(0);
  FrameTimings.render($('stage-bars'), $('stage-legend'));
}, 500);

// ---- wiring --------------------------------------------------------------------------------------

$('start').addEventListener('click', () => (state.running ? stopCamera() : startCamera()));
$('size').addEventListener('change', () => {
  if (state.running) { stopCamera(); startCamera(); }
});
$('quality').addEventListener('input', () => { $('quality-value').textContent = Number($('quality').value).toFixed(2); });
$('ops').addEventListener('change', sendPipeline);
$('record').addEventListener('click', () => {
  if (state.ws) state.ws.send(JSON.stringify({ type: 'record', enabled: !state.recording }));
});
$('out-quality').addEventListener('change', sendPipeline);

function reconnectWithNewToken() {
  if (!state.started) return; // the first connect, once frameloop.json is read, takes the token as it is then
  clearTimeout(state.reconnectTimer);
  state.reconnectDelay = RECONNECT_MIN_MS;
  if (state.ws) state.ws.close(1000, 'new token'); else connect();
}
$('token').addEventListener('change', reconnectWithNewToken);
window.addEventListener('hashchange', () => {
  const before = sessionToken();
  takeTokenFromFragment();
  if (sessionToken() !== before) reconnectWithNewToken();
});

takeTokenFromFragment();
FrameTimings.watchVideo($('local'));
if (!window.isSecureContext) {
  showMessage('This page is not a secure origin, so the browser will not share the camera. Use https:// or http://localhost.', true);
}
loadPageConfig().then(() => { state.started = true; connect(); });
