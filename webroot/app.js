// FrameLoop page: the demo page, the client library's first user. It does the DOM work only: the camera
// preview, the controls, the processed frames on a canvas, what the server found drawn over the preview
// (reply mode results or both), the live numbers and the messages. With VP8 replies the client library's
// VideoReplyDecoder hands decoded VideoFrames here, and the page draws them.
// Everything about the session (protocol, reconnects, tokens, the frame window, adaptation) is
// frameloop-client.js's. `client` (and `replyDecoder`) are exported for the console and the tests:
//   const { client } = await import('./app.js');

import { FrameLoopClient, RecentSamples, VideoReplyDecoder, chooseReplyFormat, probeDecoder } from './frameloop-client.js';
import { buildPipelineControls, readPipeline } from './pipeline-controls.js';
import { StageBars } from './stage-bars.js';
import { ResultsOverlay, countText } from './results-overlay.js';

const $ = (id) => document.getElementById(id);
const LIMITS = { none: 'nothing (top settings)', uplink: 'the uplink', server: 'the server', downlink: 'the downlink' };

const processed = $('processed');
const processedContext = processed.getContext('2d');
const stageBars = new StageBars($('stage-bars'), $('stage-legend'));
const overlay = new ResultsOverlay($('overlay'));
const roundTrips = new RecentSamples(200);
const glassToGlass = new RecentSamples(200);
const encodeTimes = new RecentSamples(60); // the browser's video encoder, ms per frame
const sentTimes = [];
const receivedTimes = [];
let received = 0;
let stream = null;
let recording = false;
let refusal = ''; // while the server refuses the session: what the user can do about it
let lastResults = null; // the last results message as the server sent it, for the panel
// What replies come as ('vp8' where the browser decodes it and the server encodes it), and why.
let replyFormat = { format: 'jpeg', reason: 'before the server said what it sends' };
let replyFormatGeneration = 0; // bumped by each decision: an older probe's answer changes nothing
const capturedAt = new Map(); // seq -> capture time of frames whose VP8 reply is being decoded
const DECODE_ERROR = 'A VP8 reply could not be decoded';

// ---- messages ------------------------------------------------------------------------------------

function showMessage(text, isError) {
  // A refused session keeps its explanation until the user can do something else.
  if (!text && refusal) {
    text = refusal;
    isError = true;
  }
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

function refusalText(refused, tokenGiven) {
  const reason = refused.reason ? ` (${refused.reason})` : '';
  if (refused.status === 401 && !tokenGiven) {
    return `The server needs a session token: open this page with #token=<token> or paste it in the Token field.${reason}`;
  }
  const what = refused.status === 401 ? ' Paste a valid token in the Token field.'
    : refused.status === 403 ? ' The server does not allow this page\'s origin (allowedOrigins).' : '';
  return `The server refused the session (HTTP ${refused.status}): ${refused.reason || 'no reason given'}.${what}`;
}

// ---- the token: from the address's #token=… (then taken out of the address bar) or the Token field ----

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

takeTokenFromFragment();

// ---- the client --------------------------------------------------------------------------------

export const client = new FrameLoopClient({
  token: $('token').value.trim(),
  maxInFlight: Number($('window').value),
  maxFps: Math.max(1, Number($('fps').value) || 30),
  quality: Number($('quality').value),
  video: $('video').value,
  adaptive: { enabled: $('adaptive').checked, targetMs: targetMs() },
  timings: true, // per-frame stage timings in stats, for the stage bars
});

client.addEventListener('open', () => {
  refusal = '';
  setConnection('connected', 'open');
  if ($('message').textContent.startsWith('Connection') || $('message').textContent.startsWith('The server refused')) showMessage('');
});

client.addEventListener('close', ({ detail }) => {
  if (recording) showRecording(false, 'the recording stopped with the connection');
  if (client.state === 'closed') {
    setConnection('closed', 'closed');
    return;
  }
  if (client.state === 'refused') {
    setConnection('refused', 'closed');
    refusal = refusalText(detail.refused, !!client.token);
    showMessage(refusal, true);
    return;
  }
  setConnection('disconnected', 'closed');
  const why = detail.refused ? `The server refused the session (HTTP ${detail.refused.status}): ${detail.refused.reason}.`
    : detail.wasOpen ? `Connection lost${detail.reason ? ' (' + detail.reason + ')' : ''}.`
      : 'Connection failed: the server is unreachable.';
  showMessage(`${why} Reconnecting in ${(detail.reconnectInMs / 1000).toFixed(1)} s…`, true);
});

client.addEventListener('connecting', () => setConnection('connecting…'));

client.addEventListener('hello', ({ detail: hello }) => {
  buildPipelineControls($('ops'), hello);
  $('out-quality').value = hello.quality;
  showReply(client.reply);
  decideReplyFormat();
  // Only a server with a recording directory offers recording.
  $('record').hidden = !hello.recording;
  showRecording(false, '');
  honourLimits(hello.limits || {});
});

client.addEventListener('pipeline', ({ detail }) => {
  $('out-quality').value = detail.quality;
  showReply(client.reply);
});

client.addEventListener('record', ({ detail: message }) => {
  showRecording(message.enabled, message.enabled ? `recording ${message.id}`
    : message.id ? `saved ${message.id}: ${message.frames} frames${message.reason ? ' (' + message.reason + ')' : ''}` : '');
});

client.addEventListener('stats', ({ detail: stats }) => {
  $('server-dropped').textContent = stats.droppedTotal;
  $('server-errors').textContent = stats.errors;
  if (stats.processMs.count > 0) $('server-process').textContent = stats.processMs.p50.toFixed(1);
  if (stats.replyQuality !== undefined) $('reply-quality').textContent = stats.replyQuality;
  if (stats.input) $('server-input').textContent = `${stats.input.format} ${stats.input.width}×${stats.input.height}`;
  if (stats.output) $('server-output').textContent = `${stats.output.format} ${stats.output.width}×${stats.output.height}`;
  stageBars.add(stats.frames);
  if (stats.recording) {
    showRecording(true, `recording ${stats.recording.id}: ${stats.recording.frames} frames, `
      + `${formatBytes(stats.recording.bytes)}${stats.recording.skipped ? ', ' + stats.recording.skipped + ' skipped' : ''}`);
  }
});

client.addEventListener('error', ({ detail }) => {
  if (detail.source === 'connection') return; // the close event that follows says what to do
  if (detail.code === 'bad_pipeline' && replyFormat.format === 'vp8' && /replyFormat/.test(detail.message || '')) {
    useReplyFormat({ format: 'jpeg', reason: `the server refused VP8 replies: ${detail.message}` });
    sendPipeline();
    return;
  }
  showMessage(detail.source === 'server' ? `Server: ${detail.message} (${detail.code})` : detail.message, true);
});

client.addEventListener('sent', ({ detail }) => {
  sentTimes.push(performance.now());
  $('bytes-up').textContent = formatBytes(detail.bytesUp);
  if (detail.encodeMs !== undefined) encodeTimes.add(detail.encodeMs);
});

// A frame's answer, its image or (reply mode results) its results message: the live numbers.
function answered(reply) {
  received++;
  receivedTimes.push(reply.receivedAt);
  roundTrips.add(reply.roundTripMs);
  $('latency-last').textContent = reply.roundTripMs.toFixed(1);
  $('recv-count').textContent = received;
  $('bytes-down').textContent = formatBytes(reply.bytesDown);
}

client.addEventListener('results', ({ detail }) => {
  const { reply, roundTripMs, receivedAt, bytesUp, bytesDown, capturedAt, quality, ...message } = detail;
  if (reply === 'results' && roundTripMs !== undefined) answered(detail);
  lastResults = message;
  if ($('results-panel').open) showResults();
  if (client.reply === 'image') return; // a frame of 'both' still on its way after the switch: no overlay in image mode
  $('detection-count').textContent = countText(message);
  overlay.draw(message);
  // In results mode the overlay is what the frame comes back as: glass to glass ends when it is on screen.
  if (reply === 'results' && capturedAt !== undefined) requestAnimationFrame((shownAt) => glassToGlass.add(shownAt - capturedAt));
});

client.addEventListener('frame', ({ detail: frame }) => {
  answered(frame);
  // A frame sent before a switch to results mode (or decoded after it): the canvas stays empty in results mode.
  if (client.reply === 'results') return;
  createImageBitmap(frame.jpeg).then((bitmap) => {
    if (client.reply === 'results') {
      bitmap.close();
      return;
    }
    if (processed.width !== bitmap.width || processed.height !== bitmap.height) {
      processed.width = bitmap.width;
      processed.height = bitmap.height;
    }
    processedContext.drawImage(bitmap, 0, 0);
    bitmap.close();
    // Glass to glass: from the camera frame's capture to the next animation frame, when it is on screen.
    if (frame.capturedAt !== undefined) requestAnimationFrame((shownAt) => glassToGlass.add(shownAt - frame.capturedAt));
  }).catch(() => showMessage('A processed frame could not be decoded.', true));
});

// ---- VP8 replies: decoded by the library's VideoReplyDecoder, drawn here ---------------------------

export const replyDecoder = new VideoReplyDecoder({
  onFrame: drawVideoFrame,
  // A decoder error or a chunk it could not take: nothing is drawn until the key chunk asked for.
  onError: (e) => showMessage(`${DECODE_ERROR} (${e.message}): waiting for a key frame.`, true),
  onKeyframeWanted: () => client.requestKeyframe(),
});

client.addEventListener('video', ({ detail }) => {
  if (detail.direction === 'reply') replyDecoder.describe(detail); // a new reply stream: its size and colour space
});

client.addEventListener('videoChunk', ({ detail: chunk }) => {
  answered(chunk);
  if (chunk.capturedAt !== undefined) capturedAt.set(chunk.seq, chunk.capturedAt);
  if (capturedAt.size > 64) capturedAt.delete(capturedAt.keys().next().value);
  // Decoded even in results mode (a chunk sent before the switch): the next one depends on it.
  replyDecoder.decode(chunk.message);
});

function drawVideoFrame(frame, seq) {
  const captured = capturedAt.get(seq);
  capturedAt.delete(seq);
  if (client.reply === 'results') {
    frame.close();
    return;
  }
  if (processed.width !== frame.displayWidth || processed.height !== frame.displayHeight) {
    processed.width = frame.displayWidth;
    processed.height = frame.displayHeight;
  }
  processedContext.drawImage(frame, 0, 0);
  frame.close();
  if ($('message').textContent.startsWith(DECODE_ERROR)) showMessage(''); // the key came: the picture is whole again
  if (captured !== undefined) requestAnimationFrame((shownAt) => glassToGlass.add(shownAt - captured));
}

// VP8 replies where this browser's VideoDecoder decodes VP8 and the server (hello) encodes it, JPEG otherwise.
async function decideReplyFormat() {
  const generation = ++replyFormatGeneration;
  const preference = $('reply-video').value;
  const probe = preference === 'jpeg' ? { hasDecoder: false, decoderSupported: false } : await probeDecoder();
  if (generation !== replyFormatGeneration || !client.hello) return;
  useReplyFormat(chooseReplyFormat({ preference, ...probe, hello: client.hello }));
  if (replyFormat.format !== client.replyFormat) sendPipeline();
}

function useReplyFormat(choice) {
  replyFormatGeneration++;
  replyFormat = choice;
  $('reply-format').textContent = `${choice.format === 'jpeg' ? 'JPEG' : choice.format.toUpperCase()}: ${choice.reason}`;
}

client.addEventListener('adaptation', ({ detail }) => renderAdaptation(detail));

client.addEventListener('format', ({ detail }) => {
  $('format').textContent = `${detail.format === 'jpeg' ? 'JPEG' : detail.format.toUpperCase()}: ${detail.reason}`;
  encodeTimes.values = [];
  renderAdaptation(client.adaptive);
});

// ---- the server's limits ------------------------------------------------------------------------

function honourLimits(limits) {
  const fps = $('fps');
  if (limits.maxFps > 0) {
    fps.max = limits.maxFps;
    fps.title = `this server takes at most ${limits.maxFps} frames per second from a session`;
    if (Number(fps.value) > limits.maxFps) {
      fps.value = limits.maxFps;
      client.setCapture({ maxFps: limits.maxFps });
    }
  }
  $('limits').textContent = limits.maxFps > 0 ? `server: at most ${limits.maxFps} fps` : '';
}

// ---- adaptation ---------------------------------------------------------------------------------

function targetMs() {
  const target = Number($('target-ms').value);
  return target > 0 ? target : undefined;
}

// The controller's limiter, unless the browser's own encoder is slower than the frame rate: then
// that is what really limits (encoding happens one frame at a time, before the frame is sent).
function limiterText(state) {
  const encodeMs = client.sendFormat.format === 'jpeg' ? null : encodeTimes.percentile(0.5);
  if (encodeMs !== null && encodeMs * state.fps > 1000) return `the browser's video encoder (${Math.round(encodeMs)} ms a frame)`;
  return LIMITS[state.limiter];
}

function renderAdaptation(state) {
  if (!state.enabled) {
    $('adaptive-state').textContent = 'off: the manual settings above';
  } else if (state.quality === undefined) {
    $('adaptive-state').textContent = 'on: starts with the camera';
  } else {
    // Video: the quality ladder is the bitrate's (docs/ADAPTIVE.md); JPEG: the quality itself.
    const what = client.sendFormat.format === 'jpeg' ? `quality ${state.quality.toFixed(2)}`
      : `${client.sendFormat.format.toUpperCase()} ${Math.round(state.bitrate / 1000)} kbit/s`;
    $('adaptive-state').textContent = `${what}, ${state.width}×${state.height}, up to ${state.fps} fps, `
      + `${state.window} in flight; limited by ${limiterText(state)}`;
  }
}

// ---- reply mode: image, results or both -----------------------------------------------------------

function showReply(reply) {
  $('reply').value = reply;
  const drawn = reply !== 'image';
  if (!drawn) {
    overlay.clear();
    $('detection-count').textContent = '–';
  }
  // No image comes in results mode: an image from before the switch would pass for a current one.
  if (reply === 'results') processedContext.clearRect(0, 0, processed.width, processed.height);
  $('overlay-caption').textContent = drawn ? ', with what the server found' : '';
  $('processed-caption').textContent = reply === 'results'
    ? 'No image back in results mode: what the server found is drawn over the camera' : 'Processed by the server';
}

function showResults() {
  if (lastResults) $('results-json').textContent = readableJson(lastResults);
}

/** JSON indented by two spaces, with each array of numbers (a box, a keypoint) on one line. */
function readableJson(value, indent = '') {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indent + '  ';
  const entries = Array.isArray(value) ? value.map((v) => inner + readableJson(v, inner))
    : Object.entries(value).map(([key, v]) => `${inner}${JSON.stringify(key)}: ${readableJson(v, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return entries.length ? `${open}\n${entries.join(',\n')}\n${indent}${close}` : open + close;
}

// ---- camera -------------------------------------------------------------------------------------

async function startCamera() {
  if (!window.isSecureContext || !navigator.mediaDevices) {
    showMessage('The camera needs a secure page: open it over https:// (see the README for TLS) or on http://localhost.', true);
    return;
  }
  const [width, height] = $('size').value.split('x').map(Number);
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: width }, height: { ideal: height } }, audio: false });
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
  $('local').srcObject = stream;
  try {
    // Where the browser has no MediaStreamTrackProcessor (Firefox, Safari) the library draws the local video.
    client.attachCamera(stream, { frameSource: () => $('local') });
  } catch (e) {
    stopCamera();
    showMessage(`The camera's frames cannot be read in this browser: ${e.message}`, true);
    return;
  }
  $('start').textContent = 'Stop camera';
  $('start').classList.add('running');
  showMessage('');
}

function stopCamera() {
  client.detachCamera();
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  $('local').srcObject = null;
  overlay.clear(); // no preview under it any more
  $('start').textContent = 'Start camera';
  $('start').classList.remove('running');
}

// ---- recording ------------------------------------------------------------------------------------

function showRecording(on, text) {
  recording = on;
  $('record').textContent = on ? 'Stop recording' : 'Record';
  $('record').setAttribute('aria-pressed', String(on));
  $('record-state').textContent = text;
}

// ---- live numbers ---------------------------------------------------------------------------------

function perSecond(times, now) {
  while (times.length && now - times[0] > 1000) times.shift();
  return times.length;
}

function formatBytes(n) {
  return n ? (n >= 1024 ? (n / 1024).toFixed(1) + ' KiB' : n + ' B') : '–';
}

function formatMs(value, digits) {
  return value === null ? '–' : value.toFixed(digits);
}

setInterval(() => {
  const now = performance.now();
  $('sent-fps').textContent = perSecond(sentTimes, now);
  $('recv-fps').textContent = perSecond(receivedTimes, now);
  $('latency-p50').textContent = formatMs(roundTrips.percentile(0.5), 1);
  $('g2g-p50').textContent = formatMs(glassToGlass.percentile(0.5), 0);
  $('g2g-p95').textContent = formatMs(glassToGlass.percentile(0.95), 0);
  stageBars.render();
}, 500);

// ---- wiring ---------------------------------------------------------------------------------------

$('start').addEventListener('click', () => (stream ? stopCamera() : startCamera()));
$('size').addEventListener('change', () => {
  if (stream) {
    stopCamera();
    startCamera();
  }
});
$('quality').addEventListener('input', () => { $('quality-value').textContent = Number($('quality').value).toFixed(2); });
$('quality').addEventListener('change', () => client.setCapture({ quality: Number($('quality').value) }));
$('fps').addEventListener('change', () => client.setCapture({ maxFps: Math.max(1, Number($('fps').value) || 30) }));
$('video').addEventListener('change', () => client.setVideo($('video').value));
$('window').addEventListener('change', () => client.setCapture({ maxInFlight: Number($('window').value) }));
$('adaptive').addEventListener('change', () => client.setAdaptive({ enabled: $('adaptive').checked }));
$('target-ms').addEventListener('change', () => client.setAdaptive({ targetMs: targetMs() }));
function sendPipeline() {
  client.setPipeline(readPipeline($('ops')), Number($('out-quality').value), $('reply').value, replyFormat.format);
}
$('reply-video').addEventListener('change', decideReplyFormat);
$('ops').addEventListener('change', sendPipeline);
$('out-quality').addEventListener('change', sendPipeline);
$('reply').addEventListener('change', () => {
  sendPipeline();
  showReply(client.reply); // not connected: the mode stays the server's
});
$('results-panel').addEventListener('toggle', showResults);
$('record').addEventListener('click', () => client.setRecording(!recording));
$('token').addEventListener('change', () => client.setToken($('token').value));
window.addEventListener('hashchange', () => {
  takeTokenFromFragment();
  client.setToken($('token').value);
});

renderAdaptation(client.adaptive);
if (!window.isSecureContext) {
  showMessage('This page is not a secure origin, so the browser will not share the camera. Use https:// or http://localhost.', true);
}
client.connect();
