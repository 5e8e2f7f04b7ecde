// FrameLoop's browser client library: one ES module, served beside the page (import it from
// '/frameloop-client.js' when the page is at '/'). A FrameLoopClient is an EventTarget, like a
// WebSocket that reconnects: it opens the session (with a token if the server needs one), keeps
// a window of frames in flight, sends frames you give it or captures them from a camera stream
// itself, adapts quality, size and rate to a round-trip target, and tells what happens in events:
//
//   connecting    detail: {url, attempt}: a socket is opening (attempt 0 first, then each reconnect)
//   open          the session is open
//   hello         detail: the server's hello (ops, pipeline, limits, recording)
//   pipeline      detail: the server's normalized pipeline after setPipeline (with its reply mode)
//   sent          detail: {seq, bytesUp, width, height, quality, reply, format, key?, bitrate?, encodeMs?} of a frame just sent
//   frame         detail: {seq, jpeg (Blob), roundTripMs, bytesUp, bytesDown, capturedAt, width, height, quality}
//   results       detail: the server's results message ({type: 'results', seq, timestamp, width, height,
//                 detections: [{op, label, score, box: [x, y, w, h], keypoints?}], data?}), plus the client's
//                 {reply, roundTripMs, receivedAt, bytesUp, bytesDown, capturedAt, quality}: in reply mode
//                 'results' it is the frame's answer (no frame event follows), in 'both' its image follows
//   stats         detail: the server's stats message, plus frames: [{seq, network, queue, decode, ops, encode, opNames}] (ms)
//   adaptation    detail: the adaptive controller's state ({enabled, quality, bitrate, width, fps, window, limiter, changes, atTop})
//   format        detail: {format: 'vp8' | 'jpeg', reason}: what camera frames are sent as, and why
//   video         detail: the server's normalized echo of the `video` control message (codec, size, colorSpace),
//                 or with "direction":"reply" the VP8 reply stream's size and colour space (for a VideoReplyDecoder)
//   videoChunk    detail: {seq, key, message (the framed chunk, for VideoReplyDecoder.decode), roundTripMs, bytesUp,
//                 bytesDown, capturedAt, receivedAt}: a VP8 reply ("replyFormat":"vp8"), the frame's answer
//   record        detail: the server's record message
//   error         detail: {source: 'server' | 'connection' | 'client', code, message, seq?, status?}
//   close         detail: {code, reason, wasOpen, refused: {status, reason} | null, reconnectInMs: number | null}
//   reconnecting  detail: {delayMs, attempt}: the next attempt is in delayMs
//   goaway        detail: the server's goaway ({reason, reconnectAfterMs}): it drains before a restart, and this
//                 client opens a new session at once (no backoff), setting the pipeline it had again
//
// It never touches the DOM. Protocol: docs/PROTOCOL.md; the controller: docs/ADAPTIVE.md.

import { HEADER_BYTES, SUBPROTOCOL, FLAG_VIDEO, FLAG_KEY, encodeHeader, decodeHeader } from './frame-header.js';
import { VideoSender, chooseFormat, probeEncoder, videoRefusal } from './video-sender.js';
import { Backoff } from './backoff.js';
import { CreditWindow } from './credit-window.js';
import { SendPacing } from './send-pacing.js';
import { Adaptation } from './adaptation.js';
import { StageTimings } from './stage-timings.js';
import { CameraCapture } from './camera-capture.js';
import { effectiveMaxFps, fitToLimits, fitsInMessage } from './limits.js';
import { ReplyMode, checkReply, resultsSettle } from './reply-mode.js';
import { isVideoChunk, readVideoChunk } from './video-reply-decoder.js';

export { HEADER_BYTES, SUBPROTOCOL, FLAG_VIDEO, FLAG_KEY, encodeHeader, decodeHeader } from './frame-header.js';
export { chooseFormat, videoRefusal } from './video-sender.js';
export { percentile, RecentSamples } from './percentile.js';
export { REPLY_MODES } from './reply-mode.js';
export { VideoReplyDecoder, chooseReplyFormat, probeDecoder } from './video-reply-decoder.js';

const TICK_MS = 200; // the controller decides at most once a second; ticking more often keeps it on time
const CONFIG_TIMEOUT_MS = 5000;
const REFUSAL_TIMEOUT_MS = 5000; // asking why a handshake was refused must not hold the reconnect up
// A session that stayed open this long, or got its hello and a frame back, proved the server works:
// only then does the reconnect backoff start again from its minimum.
const PROVEN_OPEN_MS = 5000;
const POLL_MS = 50; // how soon to look again at a camera read on demand that had no frame yet
const REMEMBERED_FRAMES = 256; // frames the server dropped get no reply: the oldest are forgotten
// A move (goaway, 1012) whose new socket failed (the draining node answers 503, a restarted one is not
// up yet) tries again this soon, jittered by half, for at most MOVE_LIMIT_MS; then the backoff.
const MOVE_RETRY_MS = 200;
const MOVE_LIMIT_MS = 30000;

export class FrameLoopClient extends EventTarget {
  /**
   * options (all optional):
   *   url          the frames WebSocket (absolute, or relative to this module); default: the framesPath of the
   *                frameloop.json served beside this module, else 'frames' beside it
   *   token        a session token (JWT), for servers that need one
   *   tokenPlace   'subprotocol' (default: bearer.<token> next to frameloop.v1) or 'query' (access_token=…;
   *                the server refuses it unless it sets allowQueryToken: its connection keeps the URL)
   *   maxInFlight  frames in flight at most while the adaptive controller is off (default 2); on, the
   *                window follows the link (docs/ADAPTIVE.md, "The send window")
   *   video        'auto' (default: VP8 where this browser's VideoEncoder encodes it and the server decodes
   *                it, JPEG otherwise) or 'jpeg'; the format event says which and why
   *   maxFps       frames per second at most (default 30; the server's hello.limits.maxFps caps it)
   *   quality      JPEG quality 0–1 of captured frames (default 0.8), the adaptive controller's top
   *   adaptive     {enabled (default true), targetMs (default from adaptive-constants.json)}
   *   timings      ask for per-frame stage timings in stats (default false)
   *   frameTimeoutMs  when a frame without reply gives its credit back (default 3000)
   *   backoff      {minMs (500), maxMs (8000)} between reconnects: each delay is drawn between half
   *                the doubling ceiling and the ceiling
   *   random       a source of numbers in [0, 1) for that jitter (default Math.random; tests give their own)
   *   now          the clock in milliseconds (default performance.now; tests give their own)
   */
  constructor(options = {}) {
    super();
    this.options = options;
    this.token = options.token || '';
    this.tokenPlace = options.tokenPlace || 'subprotocol';
    this.maxFps = options.maxFps || 30;
    this.quality = options.quality || 0.8;
    this.timings = !!options.timings;
    this.maxInFlight = options.maxInFlight || 2;
    this.credits = new CreditWindow(this.maxInFlight, options.frameTimeoutMs || 3000);
    this.videoPreference = options.video === 'jpeg' ? 'jpeg' : 'auto';
    this.format = { format: 'jpeg', reason: 'before the server said what it takes' };
    this.video = null; // the VideoSender while the format is vp8
    this.formatGeneration = 0; // bumped by each decision: an older probe's answer changes nothing
    this.backoff = new Backoff({ ...options.backoff, random: options.random || Math.random });
    this.now = options.now || (() => performance.now());
    // Bumped by each connect() and open(): a socket's close or a framesUrl() that returns after a
    // newer one started is stale and changes nothing.
    this.generation = 0;
    this.adaptation = new Adaptation(options.adaptive);
    this.stageTimings = new StageTimings();
    this.state = 'idle'; // idle, connecting, open, reconnecting, refused, closed
    this.baseUrl = null; // the frames URL, once connect() has it
    this.hello = null;
    this.pipeline = null;
    this.url = null; // the frames URL of the current or last socket (without a query token)
    this.socket = null;
    this.session = null; // the current socket's {generation, opened, openedAt, hello, answered}
    this.reconnectTimer = null;
    this.camera = null;
    this.capturing = false;
    this.pumpTimer = null;
    this.tickTimer = null;
    this.pacing = new SendPacing(); // when the next frame may be taken
    this.seq = 0;
    this.sentFrames = new Map(); // seq -> {bytesUp, capturedAt, width, height, quality, reply, resultsBytes} awaiting the reply
    this.replyMode = new ReplyMode();
    this.replyFormat = 'jpeg'; // what replies come as: the hello's, then the last pipeline's
    this.keptPipeline = null; // the pipeline a move (goaway, 1012) sets again on the next session
    this.movingSince = null; // when the move began, until the next session's hello
  }

  /** The reply mode the next frame is sent under: 'image', 'results' or 'both'. */
  get reply() {
    return this.replyMode.current;
  }

  /** The server's limits from hello ({} before it). */
  get limits() {
    return (this.hello && this.hello.limits) || {};
  }

  /** The subprotocol the server selected ('' before open). */
  get protocol() {
    return this.socket ? this.socket.protocol : '';
  }

  /** Frames sent and not answered yet. */
  get inFlight() {
    return this.credits.inFlight;
  }

  /** The frame rate frames go at at most now: the caller's, capped by the server and the controller. */
  get fps() {
    return this.adaptation.fps(effectiveMaxFps(this.maxFps, this.limits));
  }

  /** Opens the session; resolves once the first socket is on its way (events tell the rest). */
  async connect() {
    if (this.state !== 'idle' && this.state !== 'closed') return;
    this.state = 'connecting';
    const generation = ++this.generation;
    const baseUrl = await this.framesUrl();
    // close() (or close() and connect() again) while frameloop.json was read: this call is over.
    if (this.state !== 'connecting' || this.generation !== generation) return;
    this.baseUrl = baseUrl;
    this.open();
  }

  /** Closes the session for good (no reconnect); a close event follows. */
  close() {
    clearTimeout(this.reconnectTimer);
    const waiting = !this.socket && this.state !== 'idle' && this.state !== 'closed';
    this.state = 'closed';
    if (this.socket) this.socket.close(1000, 'closed by the client');
    else if (waiting) {
      this.generation++; // a close still asking why it was refused is over: this is the close event
      this.emit('close', { code: 1000, reason: 'closed by the client', wasOpen: false, refused: null, reconnectInMs: null });
    }
  }

  /** A new token: the session reopens with it at once. */
  setToken(token) {
    token = (token || '').trim();
    if (token === this.token) return;
    this.token = token;
    // Before the first socket (connect() still reading frameloop.json), that socket takes the new token.
    if (this.state === 'idle' || this.state === 'closed' || !this.baseUrl) return;
    this.reopen('new token');
  }

  async framesUrl() {
    const beside = (path) => new URL(path, import.meta.url);
    let url = this.options.url ? beside(this.options.url) : null;
    if (!url) {
      const config = beside('frameloop.json');
      try {
        const response = await fetch(config, { cache: 'no-store', signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS) });
        // framesPath is relative to frameloop.json: it holds behind a proxy that adds a prefix.
        if (response.ok) url = new URL((await response.json()).framesPath, config);
      } catch (e) {
        // served without it (e.g. as static files): the relative default
      }
      if (!url) url = beside('frames');
    }
    if (url.protocol === 'http:') url.protocol = 'ws:';
    if (url.protocol === 'https:') url.protocol = 'wss:';
    return url;
  }

  open() {
    this.state = 'connecting';
    const generation = ++this.generation;
    const url = new URL(this.baseUrl);
    this.url = url.href;
    // Browsers cannot set an Authorization header on a WebSocket: the token goes in the subprotocol list or the query.
    if (this.token && this.tokenPlace === 'query') url.searchParams.set('access_token', this.token);
    const protocols = this.token && this.tokenPlace !== 'query' ? [SUBPROTOCOL, 'bearer.' + this.token] : [SUBPROTOCOL];
    let socket;
    try {
      socket = new WebSocket(url.href, protocols);
    } catch (e) {
      // The browser refuses the socket itself: a token with characters a subprotocol cannot carry (a
      // real token is base64url and dots), or a URL it will not open. Retrying would fail the same way.
      this.socket = null;
      const badToken = protocols.length > 1;
      this.state = badToken ? 'refused' : 'closed';
      this.emit('error', { source: 'client', code: badToken ? 'invalid_token' : 'bad_url', message: e.message });
      return;
    }
    this.emit('connecting', { url: this.url, attempt: this.backoff.attempts });
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    const session = { generation, opened: false, openedAt: 0, hello: false, answered: false };
    this.session = session;
    socket.onopen = () => {
      if (this.socket !== socket) return; // a socket this client has left: its open must not reset the new session
      session.opened = true;
      session.openedAt = this.now();
      this.state = 'open';
      this.newSession();
      if (this.timings) this.sendJson({ type: 'timings', enabled: true });
      this.emit('open', { url: this.url, protocol: socket.protocol });
      this.schedulePump(0);
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return; // a socket this client has left
      if (typeof event.data === 'string') this.onControl(JSON.parse(event.data), utf8Bytes(event.data));
      else if (isVideoChunk(event.data)) this.onVideoReply(event.data);
      else this.onReply(event.data);
    };
    socket.onclose = (event) => this.onClose(socket, event, session);
  }

  // A new socket is a new session on the server: nothing of the old one's counts, credits or
  // encoder state may carry over (issue 27: credits kept from frames lost with the old
  // connection froze the page after a server restart).
  newSession() {
    this.credits.clear();
    this.sentFrames.clear();
    this.seq = 0;
    this.pacing.reset();
    this.adaptation.sent.clear();
    this.stageTimings = new StageTimings();
    if (this.video) this.video.restart();
  }

  reopen(why) {
    clearTimeout(this.reconnectTimer);
    this.backoff.reset();
    if (this.socket) this.socket.close(1000, why); // onClose reconnects
    else this.open();
  }

  // The server drains before a restart (goaway): a new session at once, without backoff, with this
  // session's pipeline. The old socket is left to the server, which closes it (1012) once it has
  // answered what it held; its answers are not this client's any more (the new session counts afresh).
  move(afterMs = 0) {
    if (this.state !== 'open') return;
    clearTimeout(this.reconnectTimer);
    this.backoff.reset();
    this.keep();
    this.movingSince = this.now();
    this.socket = null;
    this.credits.clear();
    this.sentFrames.clear();
    this.replyMode.reset();
    if (afterMs > 0) {
      this.state = 'reconnecting';
      this.reconnectTimer = setTimeout(() => this.open(), afterMs);
    } else {
      this.open();
    }
  }

  keep() {
    if (this.pipeline) this.keptPipeline = { ...this.pipeline };
  }

  async onClose(socket, event, session) {
    if (this.socket === socket) this.socket = null;
    if (session.generation !== this.generation) return; // a newer socket is this client's now
    const restart = event.code === 1012; // Service Restart: a drain whose goaway went unseen
    if (restart) {
      this.keep();
      this.movingSince = this.now();
    }
    this.credits.clear();
    this.sentFrames.clear();
    this.replyMode.reset(); // the next session starts with the server's pipeline, its hello says which
    const opened = session.opened;
    if (opened && ((session.hello && session.answered) || this.now() - session.openedAt >= PROVEN_OPEN_MS)) {
      this.backoff.reset();
    }
    const refused = opened ? null : await this.whyRefused();
    // setToken (or close() and connect()) while the server was asked: a newer socket is live.
    if (session.generation !== this.generation) return;
    const detail = { code: event.code, reason: event.reason, wasOpen: opened, refused, reconnectInMs: null };
    if (this.state === 'closed') {
      this.emit('close', detail);
      return;
    }
    if (refused && (refused.status === 401 || refused.status === 403)) {
      // The same token would be refused again: wait for setToken.
      this.state = 'refused';
      this.emit('error', { source: 'connection', code: refused.status === 401 ? 'unauthorized' : 'forbidden',
        status: refused.status, message: refused.reason, tokenGiven: !!this.token });
      this.emit('close', detail);
      return;
    }
    const moving = this.movingSince !== null && this.now() - this.movingSince < MOVE_LIMIT_MS;
    const random = this.options.random || Math.random;
    const delay = restart ? 0 : moving ? Math.round(MOVE_RETRY_MS * (0.5 + random())) : this.backoff.nextDelayMs();
    this.state = 'reconnecting';
    detail.reconnectInMs = delay;
    this.emit('close', detail);
    this.emit('reconnecting', { delayMs: delay, attempt: this.backoff.attempts });
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  // A refused handshake tells the browser nothing (close code 1006): ask the same URL over plain HTTP,
  // where the server answers with its status and reason before looking for an Upgrade.
  async whyRefused() {
    try {
      const url = this.url.replace(/^ws/, 'http');
      const response = await fetch(url, { headers: this.token ? { Authorization: 'Bearer ' + this.token } : {}, cache: 'no-store',
        signal: AbortSignal.timeout(REFUSAL_TIMEOUT_MS) });
      if (response.status === 426) return null; // the token is fine: the server was unreachable or full
      return { status: response.status, reason: (await response.text()).slice(0, 300) };
    } catch (e) {
      return null;
    }
  }

  onControl(message, textBytes) {
    switch (message.type) {
      case 'hello':
        this.movingSince = null;
        if (this.keptPipeline) message = this.restorePipeline(message);
        this.hello = message;
        if (this.session) this.session.hello = true;
        this.replyMode.hello(message.reply);
        this.replyFormat = message.replyFormat || 'jpeg';
        this.pipeline = { ops: message.pipeline, quality: message.quality, reply: this.replyMode.confirmed,
          replyFormat: this.replyFormat };
        this.emit('hello', message);
        this.decideFormat();
        break;
      case 'keyframe':
        if (this.video) this.video.requestKey();
        break;
      case 'goaway':
        this.emit('goaway', message);
        this.move(Number(message.reconnectAfterMs) || 0);
        break;
      case 'video':
        this.emit('video', message); // the echo of the client's stream, or "direction":"reply": the VP8 reply stream's size and colour space
        break;
      case 'pipeline':
        // A reset (the frames kept over the server's budget) answers no pipeline message of ours.
        if (message.reset) this.replyMode.reset(message.reply);
        else this.replyMode.answered(message.reply);
        this.pipeline = message;
        if (message.replyFormat) this.replyFormat = message.replyFormat; // the server's word on what replies come as
        this.emit('pipeline', message);
        break;
      case 'results':
        this.onResults(message, textBytes);
        break;
      case 'stats':
        this.adaptation.onStats(message);
        this.emit('stats', { ...message, frames: this.stageTimings.fromStats(message.timings) });
        break;
      case 'record':
        this.emit('record', message);
        break;
      case 'error': {
        if (message.code === 'bad_pipeline') this.replyMode.refused(); // the server kept its pipeline and its mode
        if (message.seq !== undefined) {
          this.credits.settle(message.seq);
          this.sentFrames.delete(message.seq);
        }
        const refusal = this.format.format !== 'jpeg' ? videoRefusal(message) : null;
        if (refusal) this.useFormat({ format: 'jpeg', reason: refusal });
        this.emit('error', { source: 'server', code: message.code, message: message.message, seq: message.seq });
        this.schedulePump(0);
        break;
      }
      default:
        break; // e.g. the answer to timings
    }
  }

  // After a move: the pipeline kept from the old session is set on the new one, and the hello handed
  // on says so (the page's controls then show what runs, not the server's default).
  restorePipeline(hello) {
    const kept = this.keptPipeline;
    this.keptPipeline = null;
    const message = { type: 'pipeline', ops: kept.ops };
    if (kept.quality !== undefined) message.quality = kept.quality;
    if (kept.reply !== undefined) message.reply = kept.reply;
    if (kept.replyFormat !== undefined) message.replyFormat = kept.replyFormat;
    if (!this.sendJson(message)) return hello;
    return { ...hello, pipeline: kept.ops, quality: kept.quality ?? hello.quality, reply: kept.reply ?? hello.reply,
      replyFormat: kept.replyFormat ?? hello.replyFormat };
  }

  onReply(data) {
    let header;
    try {
      header = decodeHeader(data);
    } catch (e) {
      this.emit('error', { source: 'client', code: 'bad_reply', message: e.message });
      return;
    }
    if (header === null) return; // a bare JPEG answers a bare JPEG: this client sends none
    const receivedAt = performance.now();
    const sent = this.sentFrames.get(header.seq) || {};
    const roundTripMs = receivedAt - Number(header.timestamp) / 1000;
    // In 'both' mode the results message came first: the frame's bytes down are both messages'.
    this.settle(header.seq, roundTripMs, data.byteLength + (sent.resultsBytes || 0));
    this.emit('frame', {
      seq: header.seq, jpeg: new Blob([new Uint8Array(data, HEADER_BYTES)], { type: 'image/jpeg' }), roundTripMs,
      bytesUp: sent.bytesUp, bytesDown: data.byteLength, capturedAt: sent.capturedAt, receivedAt,
      width: sent.width, height: sent.height, quality: sent.quality,
    });
    this.schedulePump(0);
  }

  // A VP8 reply chunk ("replyFormat":"vp8"): settled like a JPEG reply, handed on as 'videoChunk' for a
  // VideoReplyDecoder (video-reply-decoder.js), in order.
  onVideoReply(data) {
    const chunk = readVideoChunk(data);
    const receivedAt = performance.now();
    const sent = this.sentFrames.get(chunk.seq) || {};
    const roundTripMs = receivedAt - Number(chunk.timestamp) / 1000;
    this.settle(chunk.seq, roundTripMs, data.byteLength + (sent.resultsBytes || 0));
    this.emit('videoChunk', { seq: chunk.seq, key: chunk.key, message: data, roundTripMs, bytesUp: sent.bytesUp,
      bytesDown: data.byteLength, capturedAt: sent.capturedAt, receivedAt });
    this.schedulePump(0);
  }

  /** Asks for a key chunk as the next VP8 reply (after a lost or undecodable one). */
  requestKeyframe() {
    return this.sendJson({ type: 'keyframe' });
  }

  // A results message: the frame's answer in 'results' mode; in 'both' its image follows and settles it.
  // Round trips are measured on whatever settles the frame, so adaptation works in every mode.
  onResults(message, bytesDown) {
    const receivedAt = performance.now();
    const framed = message.seq !== undefined; // a bare JPEG's results have no seq: this client sends none
    const sent = (framed && this.sentFrames.get(message.seq)) || {};
    const reply = sent.reply || this.reply;
    const roundTripMs = framed && message.timestamp !== undefined ? receivedAt - Number(message.timestamp) / 1000 : undefined;
    if (framed && resultsSettle(reply)) {
      this.settle(message.seq, roundTripMs, bytesDown);
    } else if (framed && this.sentFrames.has(message.seq)) {
      sent.resultsBytes = bytesDown;
    }
    this.emit('results', { ...message, reply, roundTripMs, receivedAt, bytesUp: sent.bytesUp, bytesDown,
      capturedAt: sent.capturedAt, quality: sent.quality });
    if (framed && resultsSettle(reply)) this.schedulePump(0);
  }

  // Frame seq is answered: its credit back, its round trip to the controller and the stage timings.
  // The server answers in order, so the frames sent before it still waiting were dropped (stale,
  // awaiting_key): their credits come back now, not after frameTimeoutMs, and no round trip is taken for them.
  settle(seq, roundTripMs, bytesDown) {
    if (this.session) this.session.answered = true;
    for (const dropped of this.credits.answered(seq)) {
      this.sentFrames.delete(dropped);
      this.adaptation.onDropped(dropped);
    }
    this.sentFrames.delete(seq);
    if (roundTripMs === undefined) return;
    this.adaptation.onReply(seq, roundTripMs, bytesDown);
    this.stageTimings.answered(seq, roundTripMs);
  }

  /**
   * Sends a pipeline ([{op, ...params}], quality 1–100 optional, reply 'image' | 'results' | 'both'
   * optional: what comes back for each frame, the server's default 'image'; replyFormat 'jpeg' | 'vp8'
   * optional: the image as JPEGs, or VP8 chunks for a VideoReplyDecoder (videoChunk events), left out
   * JPEG); false when not open. Throws a RangeError on an unknown reply mode.
   */
  setPipeline(ops, quality, reply, replyFormat) {
    const message = { type: 'pipeline', ops };
    if (quality !== undefined) message.quality = quality;
    if (reply !== undefined) message.reply = reply;
    if (replyFormat !== undefined) message.replyFormat = replyFormat;
    if (reply !== undefined) checkReply(reply); // before sending: a mode the server would refuse is the caller's mistake
    if (!this.sendJson(message)) return false;
    this.replyMode.request(reply);
    this.replyFormat = replyFormat || 'jpeg';
    return true;
  }

  /** Starts or stops the server's recording of what this session sends (hello.recording says whether it may). */
  setRecording(enabled) {
    return this.sendJson({ type: 'record', enabled: !!enabled });
  }

  /** Capture settings: {quality (0–1), maxFps, maxInFlight}; the adaptive controller starts again from them. */
  setCapture({ quality, maxFps, maxInFlight } = {}) {
    if (quality !== undefined) this.quality = quality;
    if (maxFps !== undefined) this.maxFps = maxFps;
    if (maxInFlight !== undefined) this.maxInFlight = maxInFlight;
    this.applyWindow();
    this.adaptation.top = null; // the next frame restarts it at the new top
    this.schedulePump(0);
  }

  /** {enabled, targetMs}: the adaptive controller on or off, and its round-trip target. */
  setAdaptive({ enabled, targetMs } = {}) {
    if (enabled !== undefined) this.adaptation.enabled = !!enabled;
    if (targetMs !== undefined) this.adaptation.targetMs = targetMs;
    this.adaptation.top = null;
    this.adaptation.controller = null;
    this.applyWindow();
    this.emit('adaptation', this.adaptation.state);
  }

  /** 'auto' (video where both ends can) or 'jpeg': decides the format again at once. */
  setVideo(preference) {
    this.videoPreference = preference === 'jpeg' ? 'jpeg' : 'auto';
    this.decideFormat();
  }

  // Video where this browser encodes VP8 and the server (hello) decodes it, JPEG otherwise.
  async decideFormat() {
    const generation = ++this.formatGeneration;
    const probe = this.videoPreference === 'jpeg' ? { hasEncoder: false, encoderSupported: false } : await probeEncoder();
    if (generation !== this.formatGeneration) return;
    this.useFormat(chooseFormat({ preference: this.videoPreference, ...probe, hello: this.hello }));
  }

  useFormat(choice) {
    this.formatGeneration++;
    const changed = choice.format !== this.format.format || choice.reason !== this.format.reason;
    this.format = choice;
    if (choice.format === 'jpeg' && this.video) {
      this.video.close();
      this.video = null;
    }
    if (choice.format !== 'jpeg' && !this.video) this.video = new VideoSender();
    if (changed) this.emit('format', choice);
  }

  // The window: the controller's, which follows the link, while it runs; the caller's otherwise.
  applyWindow() {
    this.credits.resize(this.adaptation.active ? this.adaptation.window : this.maxInFlight);
  }

  /** The adaptive controller's state, as the adaptation event carries it. */
  get adaptive() {
    return this.adaptation.state;
  }

  /**
   * Sends one JPEG (Blob, ArrayBuffer or typed array) as the next framed frame; its seq, or -1 when
   * the session is not open, the window is full or the frame is over the server's maxMessageBytes.
   */
  send(jpeg, meta = {}) {
    const blob = jpeg instanceof Blob ? jpeg : new Blob([jpeg], { type: 'image/jpeg' });
    return this.sendFramed(blob, 0, { ...meta, format: 'jpeg' });
  }

  // One framed binary message (a JPEG with flags 0, or a video chunk with FLAG_VIDEO (| FLAG_KEY)).
  sendFramed(blob, flags, meta) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return -1;
    const bytesUp = HEADER_BYTES + blob.size;
    if (!fitsInMessage(bytesUp, this.limits)) {
      this.emit('error', { source: 'client', code: 'frame_too_large',
        message: `a ${bytesUp}-byte frame is over the server's maxMessageBytes (${this.limits.maxMessageBytes})` });
      return -1;
    }
    const sentAt = performance.now();
    const seq = (this.seq + 1) >>> 0;
    if (!this.credits.take(seq, sentAt, flags !== 0)) return -1;
    this.seq = seq;
    socket.send(new Blob([encodeHeader(seq, Math.round(sentAt * 1000), flags), blob]));
    this.sentFrames.set(seq, { bytesUp, capturedAt: meta.capturedAt === undefined ? sentAt : meta.capturedAt,
      width: meta.width, height: meta.height, quality: meta.quality, reply: this.reply });
    if (this.sentFrames.size > REMEMBERED_FRAMES) this.sentFrames.delete(this.sentFrames.keys().next().value);
    this.adaptation.onSend(seq, bytesUp);
    this.emit('sent', { seq, bytesUp, width: meta.width, height: meta.height, quality: meta.quality, reply: this.reply,
      format: meta.format, key: meta.key, bitrate: meta.bitrate, encodeMs: meta.encodeMs });
    return seq;
  }

  /** Whether send() would take a frame now. */
  get canSend() {
    return !!this.socket && this.socket.readyState === WebSocket.OPEN && this.credits.hasRoom(performance.now());
  }

  /**
   * Captures frames from the stream's video track itself, within the window, maxFps and the controller's
   * settings. options.frameSource: () => a CanvasImageSource to draw (e.g. the page's <video> playing the
   * stream), for browsers without MediaStreamTrackProcessor (Firefox, Safari); see camera-capture.js.
   * Throws a TypeError when this browser can read no frames that way (client.camera.mode says which way it does).
   */
  attachCamera(stream, { frameSource } = {}) {
    this.detachCamera();
    this.camera = new CameraCapture(stream, () => this.schedulePump(0), { frameSource });
    this.tickTimer = setInterval(() => {
      const window = this.credits.size;
      const changed = this.adaptation.tick(performance.now(), this.credits.oldestAgeMs(performance.now()));
      this.applyWindow();
      if (changed || this.credits.size !== window) this.emit('adaptation', this.adaptation.state);
    }, TICK_MS);
  }

  /** Stops capturing (the stream's tracks are the caller's to stop). */
  detachCamera() {
    if (!this.camera) return;
    this.camera.stop();
    this.camera = null;
    if (this.video) this.video.close(); // the encoder is released; the next camera starts a new stream with a key
    clearInterval(this.tickTimer);
    clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
    this.credits.clear();
  }

  schedulePump(delay) {
    if (!this.camera) return;
    if (this.pumpTimer !== null) clearTimeout(this.pumpTimer);
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = null;
      this.pump();
    }, delay);
  }

  pump() {
    const socket = this.socket;
    if (!this.camera || this.capturing || !socket || socket.readyState !== WebSocket.OPEN) return;
    const now = performance.now();
    if (!this.credits.hasRoom(now)) {
      this.schedulePump(this.credits.nextExpiryInMs(now)); // a reply (or error) will pump sooner
      return;
    }
    const wait = this.pacing.waitMs(now);
    if (wait > 0) {
      this.schedulePump(wait);
      return;
    }
    if (!this.camera.fresh || this.camera.width === 0) {
      // The camera's next frame pumps; a camera read on demand says nothing: ask again soon.
      if (this.camera.polled) this.schedulePump(POLL_MS);
      return;
    }
    this.captureAndSend(this.camera);
  }

  async captureAndSend(camera) {
    this.capturing = true;
    this.pacing.took(performance.now(), this.fps);
    let shot = null;
    let settings;
    try {
      const maxFps = effectiveMaxFps(this.maxFps, this.limits);
      const wasRunning = this.adaptation.controller;
      // A new reply mode restarts the controller too: the downlink it measured carried the other mode's answers.
      // So do a switch between JPEG and VP8 frames, and one of the reply format: they change what the link carries
      // (a VP8 reply delta is a few KB where a JPEG is tens).
      const stream = { video: !!this.video, replyFormat: this.replyFormat || 'jpeg' };
      if (this.adaptation.enabled) this.adaptation.follow(this.quality, camera.width, maxFps, this.reply, stream);
      settings = this.adaptation.settings(camera.width, camera.height, this.quality);
      if (this.adaptation.controller !== wasRunning) {
        this.applyWindow();
        this.emit('adaptation', this.adaptation.state);
      }
      Object.assign(settings, fitToLimits(settings.width, settings.height, this.limits));
      if (this.video) await this.encodeAndSend(camera, settings, maxFps);
      else shot = await camera.take(settings.width, settings.height, settings.quality);
    } catch (e) {
      this.emit('error', { source: 'client', code: 'capture_failed', message: e.message });
    } finally {
      this.capturing = false;
    }
    if (shot && this.camera === camera) this.send(shot.jpeg, { capturedAt: shot.capturedAt, ...settings });
    this.schedulePump(0);
  }

  // Video: the window had room (pump checked it), so this frame is encoded to be sent: the encoder's
  // chunks depend on each other, and a drop after it would spoil every delta until the next key.
  async encodeAndSend(camera, settings, maxFps) {
    const video = this.video;
    const session = this.session; // a chunk encoded for this session must not open the next one's stream
    const width = evenSize(settings.width);
    const height = evenSize(settings.height);
    let chunk = null;
    let shot = null;
    try {
      video.configure(width, height, settings.bitrate, maxFps);
      shot = await camera.takeFrame(width, height);
      if (shot) chunk = await video.encode(shot.frame);
    } catch (e) {
      // The encoder failed (or cannot take this size): JPEG from the next frame on.
      if (this.video === video) this.useFormat({ format: 'jpeg', reason: `the video encoder failed: ${e.message}` });
      return;
    }
    if (!chunk || this.video !== video || this.camera !== camera) return;
    if (this.session !== session) {
      // A reconnect while it was encoded: the new session's stream starts with the control message and a key.
      video.restart();
      return;
    }
    if (chunk.control && !this.sendJson(chunk.control)) {
      video.restart();
      return;
    }
    const meta = { capturedAt: shot.capturedAt, width, height, quality: settings.quality, bitrate: settings.bitrate,
      format: 'vp8', key: chunk.key, encodeMs: chunk.encodeMs };
    if (this.sendFramed(new Blob([chunk.data]), chunk.key ? FLAG_VIDEO | FLAG_KEY : FLAG_VIDEO, meta) < 0) {
      video.restart(); // not sent: the server must not wait for a chunk it never gets
    }
  }

  sendJson(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** What camera frames are sent as now: {format: 'vp8' | 'jpeg', reason}. */
  get sendFormat() {
    return this.format;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

// VP8 (4:2:0) codes even sizes only.
function evenSize(n) {
  return Math.max(2, Math.floor(n / 2) * 2);
}

const utf8 = new TextEncoder();

/** A text message's size on the wire (its UTF-8 bytes), as a binary one's byteLength is. */
function utf8Bytes(text) {
  return utf8.encode(text).byteLength;
}
