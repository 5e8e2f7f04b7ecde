// The client library's pure parts under node (no browser): the frame header, the reconnect
// backoff, the credit window, the percentile, the server's limits, the adaptation, the stage
// timings and the reply modes; and FrameLoopClient over a socket the test drives. ClientLibraryTest runs this file, so `mvn test` does:
//   node --test src/test/js/client-library.test.mjs
import './file-fetch.mjs'; // first: adaptive.js fetches its constants file while it loads
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HEADER_BYTES, SUBPROTOCOL, FLAG_VIDEO, FLAG_KEY, encodeHeader, decodeHeader, payloadOf } from '../../../webroot/frame-header.js';
import { Backoff } from '../../../webroot/backoff.js';
import { CreditWindow } from '../../../webroot/credit-window.js';
import { SendPacing } from '../../../webroot/send-pacing.js';
import { nearestRank, percentile, RecentSamples } from '../../../webroot/percentile.js';
import { effectiveMaxFps, fitToLimits, fitsInMessage } from '../../../webroot/limits.js';
import { Adaptation, evenHeight } from '../../../webroot/adaptation.js';
import { StageTimings } from '../../../webroot/stage-timings.js';
import { AdaptiveController, ADAPTIVE_CONSTANTS } from '../../../webroot/adaptive.js';
import { REPLY_MODES, ReplyMode, checkReply, imageExpected, resultsSettle } from '../../../webroot/reply-mode.js';
import { chooseFormat, videoRefusal, colorSpaceOf, DEFAULT_COLOR_SPACE } from '../../../webroot/video-sender.js';
import { chooseReplyFormat, mislabelled } from '../../../webroot/video-reply-decoder.js';

const bytes = (buffer) => [...new Uint8Array(buffer)];

test('the header is FL, version 1, flags 0, the u32 sequence and the i64 timestamp, big-endian', () => {
  assert.equal(HEADER_BYTES, 16);
  assert.equal(SUBPROTOCOL, 'frameloop.v1');
  assert.deepEqual(bytes(encodeHeader(0x01020304, 0x05060708090A0B0Cn)),
    [0x46, 0x4C, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(bytes(encodeHeader(0xFFFFFFFF, -1)), [0x46, 0x4C, 1, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
});

test('a video chunk carries VIDEO in header byte 3, a key chunk VIDEO | KEY', () => {
  assert.equal(FLAG_VIDEO, 0x01);
  assert.equal(FLAG_KEY, 0x02);
  assert.deepEqual(bytes(encodeHeader(5, 6, FLAG_VIDEO)).slice(0, 4), [0x46, 0x4C, 1, 1]);
  assert.deepEqual(bytes(encodeHeader(5, 6, FLAG_VIDEO | FLAG_KEY)).slice(0, 4), [0x46, 0x4C, 1, 3]);
  assert.deepEqual(decodeHeader(encodeHeader(5, 6n, FLAG_VIDEO | FLAG_KEY)), { seq: 5, timestamp: 6n, flags: 3 });
});

test('decoding gives back what was encoded, beyond 2^53 too', () => {
  for (const [seq, timestamp] of [[0, 0n], [1, 1700000000123456n], [0xFFFFFFFF, -9223372036854775808n], [7, 9223372036854775807n]]) {
    assert.deepEqual(decodeHeader(encodeHeader(seq, timestamp)), { seq, timestamp, flags: 0 });
  }
  const message = new Uint8Array([...bytes(encodeHeader(9, 42n)), 0xFF, 0xD8, 0xFF, 0xD9]);
  assert.deepEqual(decodeHeader(message.subarray(0)), { seq: 9, timestamp: 42n, flags: 0 });
  assert.deepEqual([...payloadOf(message.buffer)], [0xFF, 0xD8, 0xFF, 0xD9]);
});

test('a bare JPEG has no header; anything else that is no frame is refused, naming why', () => {
  assert.equal(decodeHeader(new Uint8Array([0xFF, 0xD8, 0xFF, 0xE0]).buffer), null);
  assert.deepEqual([...payloadOf(new Uint8Array([0xFF, 0xD8, 0xFF, 0xD9]).buffer)], [0xFF, 0xD8, 0xFF, 0xD9]);
  assert.throws(() => decodeHeader(new Uint8Array([0x46, 0x4C, 1, 0]).buffer), /truncated header: 4 bytes/);
  const version2 = new Uint8Array(encodeHeader(1, 1n));
  version2[2] = 2;
  assert.throws(() => decodeHeader(version2.buffer), /unsupported protocol version 2/);
  for (const bad of [2, 4, 0x81]) {
    const flagged = new Uint8Array(encodeHeader(1, 1n));
    flagged[3] = bad; // KEY without VIDEO, or a bit no version defines
    assert.throws(() => decodeHeader(flagged.buffer), new RegExp(`unsupported header flags ${bad}`));
    assert.throws(() => encodeHeader(1, 1n, bad), RangeError);
  }
  assert.throws(() => decodeHeader(new Uint8Array([0x89, 0x50, 0x4E, 0x47]).buffer), /not a frame/);
  assert.throws(() => encodeHeader(2 ** 32, 0), RangeError);
  assert.throws(() => encodeHeader(-1, 0), RangeError);
  assert.throws(() => encodeHeader(1.5, 0), RangeError);
});

test('the backoff doubles from its minimum to its maximum and starts again after a connection', () => {
  const backoff = new Backoff({ minMs: 500, maxMs: 8000 });
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(() => backoff.next()), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
  assert.equal(backoff.attempts, 7);
  backoff.reset();
  assert.equal(backoff.next(), 500);
  assert.equal(backoff.attempts, 1);
  assert.deepEqual([1, 2, 3].map(() => new Backoff().next()), [500, 500, 500]);
  assert.throws(() => new Backoff({ minMs: 0 }), RangeError);
  assert.throws(() => new Backoff({ minMs: 1000, maxMs: 500 }), RangeError);
});

test('the credit window lets `size` frames fly, a reply or the timeout frees a credit', () => {
  const credits = new CreditWindow(2, 3000);
  assert.equal(credits.take(1, 0), true);
  assert.equal(credits.take(2, 10), true);
  assert.equal(credits.take(3, 20), false);
  assert.equal(credits.take(99, 20, true), true, 'an encoded video chunk goes although the window shrank');
  assert.equal(credits.settle(99), 20);
  assert.equal(credits.inFlight, 2);
  assert.equal(credits.oldestAgeMs(100), 100);
  assert.equal(credits.nextExpiryInMs(100), 2900);
  assert.equal(credits.settle(1), 0);
  assert.equal(credits.settle(1), undefined);
  assert.equal(credits.take(3, 30), true);
  assert.equal(credits.hasRoom(3009), false);
  assert.equal(credits.hasRoom(3011), true, 'frame 2 (sent at 10) timed out');
  assert.equal(credits.inFlight, 1);
  assert.equal(credits.expire(10_000), 1);
  assert.equal(credits.oldestAgeMs(10_000), 0);
  assert.equal(credits.nextExpiryInMs(10_000), Infinity);
  credits.resize(1);
  assert.equal(credits.take(4, 10_000), true);
  assert.equal(credits.take(5, 10_000), false);
  credits.clear();
  assert.equal(credits.inFlight, 0);
  assert.throws(() => credits.resize(0), RangeError);
});

test('one percentile: nearest rank, as docs/ADAPTIVE.md defines it', () => {
  const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  assert.equal(percentile(values, 0.5), 5);
  assert.equal(percentile(values, 0.9), 9);
  assert.equal(percentile(values, 0.95), 10);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([4, 2], 0.5), 2);
  assert.equal(percentile([], 0.5), null);
  assert.deepEqual(values, [10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 'the input is left as it was');
  assert.equal(nearestRank([1, 2, 3], 0.5), 2);
  const recent = new RecentSamples(3);
  [100, 1, 2, 3].forEach((v) => recent.add(v));
  assert.equal(recent.size, 3);
  assert.equal(recent.percentile(1), 3, 'the oldest sample went');
});

test('the server limits cap the frame rate, the frame size and the message size', () => {
  assert.equal(effectiveMaxFps(30, { maxFps: 10 }), 10);
  assert.equal(effectiveMaxFps(30, { maxFps: 60 }), 30);
  assert.equal(effectiveMaxFps(30, { maxFps: 0 }), 30, '0: no limit');
  assert.equal(effectiveMaxFps(30, {}), 30);
  assert.deepEqual(fitToLimits(1280, 720, { maxWidth: 640, maxHeight: 4096 }), { width: 640, height: 360 });
  assert.deepEqual(fitToLimits(1280, 720, { maxHeight: 480 }), { width: 852, height: 480 });
  const byPixels = fitToLimits(1920, 1080, { maxPixels: 640 * 360 });
  assert.ok(byPixels.width * byPixels.height <= 640 * 360, JSON.stringify(byPixels));
  assert.ok(byPixels.width >= 636, JSON.stringify(byPixels));
  assert.deepEqual(fitToLimits(640, 480, { maxWidth: 4096, maxHeight: 4096, maxPixels: 8294400 }), { width: 640, height: 480 });
  assert.equal(fitsInMessage(4_194_304, { maxMessageBytes: 4_194_304 }), true);
  assert.equal(fitsInMessage(4_194_305, { maxMessageBytes: 4_194_304 }), false);
  assert.equal(fitsInMessage(10 ** 9, {}), true);
});

test('the controller reads its constants from adaptive-constants.json, the file Java reads too', () => {
  const file = JSON.parse(readFileSync(new URL('../../../webroot/adaptive-constants.json', import.meta.url), 'utf8'));
  assert.deepEqual(ADAPTIVE_CONSTANTS, file);
  const wide = new AdaptiveController(150, 0.8, 1920, 60);
  assert.deepEqual(wide.qualities, [0.8, 0.7, 0.6, 0.5, 0.4]);
  assert.deepEqual(wide.widths, [1920, ...file.widths]);
  assert.deepEqual(wide.fpsSteps, [60, ...file.fpsSteps]);
  assert.deepEqual(new AdaptiveController(150, 0.8, 640, 30).widths, [640, 480, 320]);
  assert.equal('lastP50' in wide, false);
  assert.equal('lastP95' in wide, false);
  assert.throws(() => new AdaptiveController(0, 0.8, 640, 30));
});

test('a round trip over the target lowers the quality first, once per decision window', () => {
  const controller = new AdaptiveController(100, 0.8, 640, 30);
  assert.equal(controller.tick(0, 0), false, 'the first tick starts the clock');
  for (let i = 0; i < 10; i++) controller.onReply(130, 40_000, 10_000);
  assert.equal(controller.tick(500, 0), false, 'within the decision window');
  assert.equal(controller.tick(1000, 0), true);
  assert.equal(controller.quality, 0.7);
  assert.equal(controller.width, 640);
  assert.equal(controller.limiter, 'uplink');
  for (let i = 0; i < 10; i++) controller.onReply(200, 40_000, 10_000);
  assert.equal(controller.tick(2000, 0), true);
  assert.equal(controller.quality, 0.5, 'p50 over 1.5 × the target: two steps');
});

test('the adaptation gives the caller\'s settings when off and the controller\'s when on', () => {
  const adaptation = new Adaptation({ enabled: false });
  assert.deepEqual(adaptation.settings(640, 480, 0.9), { width: 640, height: 480, quality: 0.9, bitrate: ADAPTIVE_CONSTANTS.videoBitrateTop });
  assert.equal(adaptation.window, ADAPTIVE_CONSTANTS.windowStart);
  assert.equal(adaptation.fps(30), 30);
  assert.deepEqual(adaptation.state, { enabled: false, targetMs: 150 });
  adaptation.enabled = true;
  adaptation.follow(0.8, 1280, 30);
  const controller = adaptation.controller;
  adaptation.follow(0.8, 1280, 30);
  assert.equal(adaptation.controller, controller, 'the same top settings keep the controller');
  adaptation.follow(0.8, 1280, 20);
  assert.notEqual(adaptation.controller, controller, 'a new max fps restarts it');
  adaptation.controller.wi = 2; // 640 wide
  adaptation.controller.qi = 1;
  assert.deepEqual(adaptation.settings(1280, 720, 0.8), { width: 640, height: 360, quality: 0.7, bitrate: adaptation.controller.bitrate });
  assert.equal(adaptation.state.height, 360);
  assert.equal(adaptation.state.limiter, 'none');
  assert.equal(evenHeight(640, 480, 480), 360);
  assert.equal(evenHeight(1280, 720, 321), 180);
});

test('the adaptation feeds the controller the frame\'s bytes up and the server\'s time from stats', () => {
  const adaptation = new Adaptation({ targetMs: 200 });
  adaptation.follow(0.8, 640, 30);
  adaptation.onSend(1, 45_000);
  adaptation.onReply(1, 80, 30_000);
  adaptation.onReply(2, 90, 30_000); // never sent: ignored
  assert.deepEqual(adaptation.controller.roundTrips, [80]);
  assert.equal(adaptation.controller.bytesUp, 45_000);
  adaptation.onStats({ processMs: { count: 3, p50: 8 }, queueMs: { count: 3, p50: 2 }, dropped: { slow_client: 1 }, replyQuality: 80 });
  assert.equal(adaptation.controller.serverMs, 10);
  assert.equal(adaptation.controller.slowClientDrops, 1);
  adaptation.onStats({ processMs: { count: 0, p50: 0 }, dropped: {} });
  assert.equal(adaptation.controller.serverMs, 10, 'a window without frames leaves the server time');
  assert.equal(adaptation.tick(0, 0), false);
});

test('stage timings join the server\'s per-frame timings with the client\'s round trips', () => {
  const timings = new StageTimings();
  timings.answered(7, 30);
  const frames = timings.fromStats([[7, 8000, 2000, 3000, 1000, [['resize', 2500], ['flip', 1000]], 500], [8, 1, 1, 1, 1, [], 0]]);
  assert.equal(frames.length, 1, 'frame 8 was not answered here');
  assert.deepEqual(frames[0], { seq: 7, network: 20, queue: 2, decode: 3, ops: 4, encode: 1, opNames: 'resize 2.5, flip 1.0' });
  assert.deepEqual(timings.fromStats([[7, 8000, 2000, 3000, 1000, [], 0]]), [], 'each frame once');
  assert.deepEqual(timings.fromStats(undefined), []);
});

// ---- FrameLoopClient's connection, with a fake WebSocket and a fake fetch ----------------------

/** A WebSocket the test drives: accept() opens it, drop() closes it from the server's side. */
class FakeSocket {
  static OPEN = 1;
  static made = [];

  constructor(url, protocols) {
    // As browsers do: a subprotocol must be an HTTP token.
    if (protocols.some((protocol) => !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(protocol))) {
      throw new SyntaxError(`The subprotocol '${protocols.join(', ')}' is invalid.`);
    }
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.protocol = '';
    this.sent = [];
    FakeSocket.made.push(this);
  }

  accept() {
    this.readyState = 1;
    this.protocol = 'frameloop.v1';
    this.onopen();
  }

  drop(code = 1006) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose({ code, reason: '' });
  }

  send(data) {
    this.sent.push(data);
  }

  close(code, reason) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose({ code, reason }));
  }
}

/** A fetch whose answers the test gives later: calls[i] = {url, init, answer(response)}. */
function pendingFetch() {
  const calls = [];
  const fetch = (url, init) => new Promise((resolve) => calls.push({ url: String(url), init, answer: resolve }));
  return { calls, fetch };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

async function withFakes(fetch, body) {
  const realFetch = globalThis.fetch;
  const realSocket = globalThis.WebSocket;
  globalThis.fetch = fetch;
  globalThis.WebSocket = FakeSocket;
  FakeSocket.made = [];
  try {
    await body();
  } finally {
    globalThis.fetch = realFetch;
    globalThis.WebSocket = realSocket;
  }
}

const { FrameLoopClient } = await import('../../../webroot/frameloop-client.js');

test('close() while connect() reads frameloop.json opens no socket, then or ever', async () => {
  const config = pendingFetch();
  await withFakes(config.fetch, async () => {
    const client = new FrameLoopClient({ backoff: { minMs: 1, maxMs: 2 } });
    const closes = [];
    client.addEventListener('close', ({ detail }) => closes.push(detail));
    const connecting = client.connect();
    await tick();
    assert.equal(config.calls.length, 1, 'connect() asks for frameloop.json');
    assert.ok(config.calls[0].init.signal instanceof AbortSignal, 'with a timeout');
    client.close();
    config.calls[0].answer(new Response(JSON.stringify({ framesPath: 'ws://127.0.0.1:9/frames' }), { status: 200 }));
    await connecting;
    await tick(20);
    assert.equal(FakeSocket.made.length, 0, 'no socket after close()');
    assert.equal(client.state, 'closed');
    assert.equal(closes.length, 1);
  });
});

test('a new token while the server is asked why it refused leaves one socket, not two sessions', async () => {
  for (const status of [426, 401]) {
    const refusal = pendingFetch();
    await withFakes(refusal.fetch, async () => {
      const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', token: 'old', backoff: { minMs: 1, maxMs: 2 } });
      await client.connect();
      assert.equal(FakeSocket.made.length, 1);
      FakeSocket.made[0].drop(); // refused before it opened: onClose asks over HTTP
      await tick();
      assert.equal(refusal.calls.length, 1);
      assert.equal(refusal.calls[0].url, 'http://127.0.0.1:9/frames');
      assert.ok(refusal.calls[0].init.signal instanceof AbortSignal, 'the refusal fetch has a timeout');
      client.setToken('new');
      assert.equal(FakeSocket.made.length, 2, 'the new token opens at once');
      refusal.calls[0].answer(new Response('the old token', { status }));
      await tick(30);
      assert.equal(FakeSocket.made.length, 2, `the stale refusal (${status}) schedules no other socket`);
      assert.equal(client.state, 'connecting', `the new socket is live (${status})`);
      assert.deepEqual(FakeSocket.made[1].protocols, ['frameloop.v1', 'bearer.new']);
      FakeSocket.made[1].accept();
      assert.equal(client.state, 'open');
      client.close();
    });
  }
});

test('reconnect delays are jittered within the doubling ceiling', () => {
  const low = new Backoff({ minMs: 500, maxMs: 8000, random: () => 0 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => low.nextDelayMs()), [250, 500, 1000, 2000, 4000, 4000]);
  const high = new Backoff({ minMs: 500, maxMs: 8000, random: () => 0.999999 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => high.nextDelayMs()), [500, 1000, 2000, 4000, 8000, 8000]);
  const draws = [0.1, 0.9, 0.5];
  const mixed = new Backoff({ minMs: 1000, maxMs: 1000, random: () => draws.shift() });
  assert.deepEqual([1, 2, 3].map(() => mixed.nextDelayMs()), [550, 950, 750], 'two clients with other draws part');
  const wild = new Backoff({ minMs: 100, maxMs: 100, random: () => 7 });
  assert.equal(wild.nextDelayMs(), 100, 'never over maxMs');
});

test('a server that closes right after accepting gets ever longer pauses; a proven session resets them', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    let clock = 0;
    const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', backoff: { minMs: 2, maxMs: 16 },
      random: () => 0.999999, now: () => clock });
    const delays = [];
    client.addEventListener('reconnecting', ({ detail }) => delays.push(detail.delayMs));
    await client.connect();
    for (let i = 0; i < 5; i++) {
      const socket = FakeSocket.made.at(-1);
      socket.accept();
      clock += 10;
      socket.drop(1011);
      await tick(40);
      assert.equal(FakeSocket.made.length, i + 2, 'it reconnects');
    }
    assert.deepEqual(delays, [2, 4, 8, 16, 16], 'opening is not enough to start again from minMs');
    const lasting = FakeSocket.made.at(-1);
    lasting.accept();
    clock += 6000; // open for longer than a flapping server keeps it
    lasting.drop(1001);
    await tick(10);
    assert.equal(delays.at(-1), 2, 'after a session that stayed open, the minimum again');
    await tick(30);
    const answering = FakeSocket.made.at(-1);
    answering.accept();
    answering.onmessage({ data: JSON.stringify({ type: 'hello', ops: [], pipeline: [], limits: {} }) });
    answering.onmessage({ data: encodeHeader(1, 0) }); // an ArrayBuffer, as binaryType 'arraybuffer' gives
    clock += 10;
    answering.drop(1001);
    await tick(10);
    assert.deepEqual(delays.slice(-2), [2, 2], 'a session with a hello and a frame back proved itself too');
    client.close();
  });
});

test('close() while the server is asked why it refused gives one close event and no reconnect', async () => {
  const refusal = pendingFetch();
  await withFakes(refusal.fetch, async () => {
    const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', backoff: { minMs: 1, maxMs: 2 } });
    const closes = [];
    client.addEventListener('close', ({ detail }) => closes.push(detail));
    await client.connect();
    FakeSocket.made[0].drop();
    await tick();
    client.close();
    refusal.calls[0].answer(new Response('', { status: 426 }));
    await tick(20);
    assert.equal(closes.length, 1, 'one close event');
    assert.equal(closes[0].code, 1000);
    assert.equal(client.state, 'closed');
    assert.equal(FakeSocket.made.length, 1, 'no reconnect');
  });
});

test('a token the browser cannot put in a subprotocol is an error event, not an exception; a new token connects', async () => {
  const { calls, fetch } = pendingFetch();
  await withFakes(fetch, async () => {
    const client = new FrameLoopClient({ url: 'ws://127.0.0.1:1/frames', token: 'eyJhbGciOi\u2026' });
    const errors = [];
    client.addEventListener('error', ({ detail }) => errors.push(detail));
    await client.connect();
    assert.equal(FakeSocket.made.length, 0, 'no socket');
    assert.equal(client.state, 'refused');
    assert.deepEqual(errors.map((e) => [e.source, e.code]), [['client', 'invalid_token']]);
    client.setToken('eyJhbGciOiJIUzI1NiJ9.e30.sig');
    assert.equal(FakeSocket.made.length, 1, 'the new token opens a socket');
    assert.deepEqual(FakeSocket.made[0].protocols, ['frameloop.v1', 'bearer.eyJhbGciOiJIUzI1NiJ9.e30.sig']);
    client.close();
    assert.equal(calls.length, 0);
  });
});

test('reply modes: the server\'s last answer followed by the pipelines it has not answered yet', () => {
  assert.deepEqual(REPLY_MODES, ['image', 'results', 'both']);
  const mode = new ReplyMode();
  assert.equal(mode.current, 'image', 'the protocol\'s default');
  mode.request('results');
  assert.deepEqual([mode.current, mode.confirmed], ['results', 'image'], 'the next frame goes under the mode asked for');
  mode.request(undefined);
  assert.equal(mode.current, 'results', 'a pipeline without reply keeps the mode');
  mode.request('both');
  mode.answered('results');
  assert.deepEqual([mode.current, mode.confirmed], ['both', 'results'], 'an earlier answer does not undo a later request');
  mode.answered('results');
  mode.refused();
  assert.equal(mode.current, 'results', 'the refused pipeline: the server kept its mode');
  mode.answered(undefined);
  assert.equal(mode.current, 'image', 'a server without reply modes sends images');
  mode.request('results');
  mode.hello('both');
  assert.equal(mode.current, 'both', 'a new session: its hello\'s mode, nothing pending');
  mode.reset();
  assert.equal(mode.current, 'image');
  assert.throws(() => mode.request('json'), /reply 'json': one of image, results, both/);
  assert.equal(mode.pending.length, 0, 'a bad mode is not pending');
  assert.throws(() => checkReply(undefined), RangeError);
  assert.deepEqual(REPLY_MODES.map(resultsSettle), [false, true, false]);
  assert.deepEqual(REPLY_MODES.map(imageExpected), [true, false, true]);
});

// ---- FrameLoopClient's replies in each reply mode, over the fake socket --------------------------

const JPEG = new Uint8Array([0xFF, 0xD8, 0xFF, 0xD9]);
const FACE = { op: 'faces', label: 'face', score: 0.93, box: [221, 82, 121, 121], keypoints: [[250, 120], [300, 120]] };

/** An open client with the adaptive controller running, its socket and what it emitted. */
async function openClient(hello = {}) {
  const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', maxInFlight: 2 });
  const events = { frame: [], results: [], pipeline: [], error: [] };
  for (const type of Object.keys(events)) client.addEventListener(type, ({ detail }) => events[type].push(detail));
  await client.connect();
  const socket = FakeSocket.made.at(-1);
  socket.accept();
  socket.onmessage({ data: JSON.stringify({ type: 'hello', ops: [], pipeline: [], quality: 80, limits: {}, ...hello }) });
  client.adaptation.follow(0.8, 640, 30); // as the camera would start it
  return { client, socket, events };
}

/** The header the client sent frame `index` (of socket.sent) with: {seq, timestamp}. */
async function sentHeader(socket, index) {
  return decodeHeader(await socket.sent[index].arrayBuffer());
}

/** The server's answers: a results message (a string, as the socket gives it) and an image reply. */
function resultsMessage(header, detections = [FACE]) {
  return JSON.stringify({ type: 'results', seq: header.seq, timestamp: Number(header.timestamp), width: 640, height: 480, detections });
}
function imageReply(header) {
  return new Uint8Array([...bytes(encodeHeader(header.seq, header.timestamp)), ...JPEG]).buffer;
}

test('in results mode the results message answers the frame: its credit back, its round trip to the controller, no frame event', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const { client, socket, events } = await openClient();
    assert.equal(client.reply, 'image', 'a hello without reply: images');
    assert.equal(client.setPipeline([{ op: 'faces', keypoints: true }], undefined, 'results'), true);
    assert.deepEqual(JSON.parse(socket.sent.at(-1)), { type: 'pipeline', ops: [{ op: 'faces', keypoints: true }], reply: 'results' });
    assert.equal(client.reply, 'results', 'the next frame goes under the mode asked for');
    socket.onmessage({ data: JSON.stringify({ type: 'pipeline', ops: [{ op: 'faces', keypoints: true }], quality: 80, reply: 'results' }) });
    assert.equal(client.pipeline.reply, 'results');
    assert.equal(client.send(JPEG), 1);
    assert.equal(client.send(JPEG), 2);
    assert.equal(client.send(JPEG), -1, 'the window of 2 is full');
    const first = await sentHeader(socket, 1);
    const text = resultsMessage(first);
    socket.onmessage({ data: text });
    assert.equal(client.inFlight, 1, 'the results message gave frame 1\'s credit back');
    assert.equal(events.results.length, 1);
    const results = events.results[0];
    assert.equal(results.seq, 1);
    assert.deepEqual(results.detections, [FACE], 'the parsed message');
    assert.deepEqual([results.width, results.height], [640, 480]);
    assert.equal(results.reply, 'results');
    assert.equal(results.bytesDown, text.length);
    assert.equal(results.bytesUp, 16 + JPEG.length);
    assert.ok(results.roundTripMs >= 0 && results.roundTripMs < 10_000, String(results.roundTripMs));
    assert.deepEqual(client.adaptation.controller.roundTrips, [results.roundTripMs], 'adaptation measures the results message');
    assert.equal(client.adaptation.controller.bytesDown, text.length);
    assert.equal(client.send(JPEG), 3, 'room again');
    socket.onmessage({ data: resultsMessage(await sentHeader(socket, 2), []) });
    assert.deepEqual(events.results[1].detections, [], 'no face: an empty list');
    assert.equal(client.inFlight, 1);
    assert.equal(events.frame.length, 0, 'no image came, none was waited for');
    client.close();
  });
});

test('in both mode the results come first and the image settles the frame, measured once with both messages\' bytes', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const { client, socket, events } = await openClient({ reply: 'both' });
    assert.equal(client.reply, 'both', 'the hello\'s mode');
    assert.equal(client.send(JPEG), 1);
    const header = await sentHeader(socket, 0);
    const text = resultsMessage(header);
    socket.onmessage({ data: text });
    assert.equal(events.results.length, 1);
    assert.equal(events.results[0].reply, 'both');
    assert.equal(client.inFlight, 1, 'the image is still to come');
    assert.deepEqual(client.adaptation.controller.roundTrips, [], 'nothing measured yet');
    const image = imageReply(header);
    socket.onmessage({ data: image });
    assert.equal(client.inFlight, 0);
    assert.equal(events.frame.length, 1);
    assert.equal(events.frame[0].bytesDown, image.byteLength, 'the frame event\'s bytes are the image\'s');
    assert.equal(client.adaptation.controller.roundTrips.length, 1, 'one round trip per frame');
    assert.equal(client.adaptation.controller.bytesDown, image.byteLength + text.length, 'the downlink carried both');
    client.close();
  });
});

test('a refused pipeline leaves the server\'s mode; a bad mode is the caller\'s error; results of a bare JPEG settle nothing', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const { client, socket, events } = await openClient();
    const messages = socket.sent.length;
    assert.throws(() => client.setPipeline([], undefined, 'text'), RangeError);
    assert.equal(socket.sent.length, messages, 'nothing sent');
    client.setPipeline([{ op: 'nope' }], undefined, 'results');
    assert.equal(client.reply, 'results');
    socket.onmessage({ data: JSON.stringify({ type: 'error', code: 'bad_pipeline', message: 'unknown op nope' }) });
    assert.equal(client.reply, 'image', 'the server kept its pipeline and its mode');
    assert.equal(client.send(JPEG), 1);
    socket.onmessage({ data: JSON.stringify({ type: 'results', width: 640, height: 480, detections: [] }) });
    assert.equal(events.results.length, 1, 'a results message without seq is still an event');
    assert.equal(events.results[0].roundTripMs, undefined);
    assert.equal(client.inFlight, 1, 'and answers no frame of this client');
    socket.onmessage({ data: imageReply(await sentHeader(socket, messages + 1)) });
    assert.equal(client.inFlight, 0, 'the image answers the frame sent under image');
    assert.equal(events.frame.length, 1);
    client.close();
    assert.equal(client.setPipeline([], undefined, 'results'), false, 'not open');
  });
});

test('an answer to an earlier pipeline does not undo a later mode: frames go under the last one asked for', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const { client, socket, events } = await openClient();
    client.setPipeline([{ op: 'faces' }], undefined, 'both');
    client.setPipeline([{ op: 'faces' }], 90, 'results');
    socket.onmessage({ data: JSON.stringify({ type: 'pipeline', ops: [{ op: 'faces' }], quality: 80, reply: 'both' }) });
    assert.equal(client.reply, 'results');
    assert.equal(client.send(JPEG), 1);
    socket.onmessage({ data: JSON.stringify({ type: 'pipeline', ops: [{ op: 'faces' }], quality: 90, reply: 'results' }) });
    socket.onmessage({ data: resultsMessage(await sentHeader(socket, 2)) });
    assert.equal(events.results[0].reply, 'results');
    assert.equal(client.inFlight, 0, 'answered by its results');
    client.setPipeline([{ op: 'gray' }]);
    assert.equal(client.reply, 'results', 'a pipeline without reply keeps the mode');
    client.close();
  });
});

test('a frame sent before the switch to results mode waits for its image; the frames after it are answered by results', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const { client, socket, events } = await openClient();
    assert.equal(client.send(JPEG), 1);
    client.setPipeline([{ op: 'faces' }], undefined, 'results');
    assert.equal(client.send(JPEG), 2);
    const before = await sentHeader(socket, 0);
    const after = await sentHeader(socket, 2);
    // The server answers in order: frame 1's image, then frame 2's results.
    socket.onmessage({ data: imageReply(before) });
    assert.equal(client.inFlight, 1, 'frame 1 answered by its image');
    socket.onmessage({ data: resultsMessage(after) });
    assert.equal(events.results[0].reply, 'results');
    assert.equal(client.inFlight, 0, 'frame 2 answered by its results');
    assert.deepEqual(events.frame.map((f) => f.seq), [1]);
    client.close();
  });
});

// One second of a pipelined link: `window` frames in flight, replies at the rate the link and the
// frame rate allow, each with the round trip the link gives at that load. Returns the replies/s.
function secondOfLink(controller, nowMs, { baseMs, capacityFps, maxFps }) {
  const window = controller.window;
  const rate = Math.min(maxFps, capacityFps, (window * 1000) / baseMs);
  // Frames beyond what the link carries at its floor wait in its queue, one frame time each.
  const queued = Math.max(0, window - (capacityFps * baseMs) / 1000);
  const rtt = baseMs + (rate >= capacityFps ? (queued * 1000) / capacityFps : 0);
  for (let i = 0; i < Math.round(rate); i++) controller.onReply(rtt, 5000, 20_000);
  controller.tick(nowMs, 0);
  return { rate, rtt };
}

test('the window follows the link: it grows past 2 to carry 30 fps over a 117 ms round trip', () => {
  const controller = new AdaptiveController(150, 0.8, 640, 30);
  assert.equal(controller.window, 2, 'it starts where the fixed window was');
  controller.tick(0, 0);
  const seconds = [];
  for (let t = 1; t <= 8; t++) seconds.push(secondOfLink(controller, t * 1000, { baseMs: 117, capacityFps: 100, maxFps: 30 }));
  assert.equal(Math.round(seconds[0].rate), 17, 'a window of 2 over 117 ms: 17 frames/s');
  assert.ok(controller.window >= 4, `window ${controller.window}`);
  assert.equal(seconds.at(-1).rate, 30, 'the frame rate, not the window, limits it now');
  assert.ok(controller.window <= ADAPTIVE_CONSTANTS.windowMax);
});

test('on a saturated link the window keeps the round trip near the target instead of filling the queue', () => {
  const controller = new AdaptiveController(150, 0.8, 640, 30);
  controller.tick(0, 0);
  let last;
  for (let t = 1; t <= 20; t++) last = secondOfLink(controller, t * 1000, { baseMs: 60, capacityFps: 15, maxFps: 30 });
  // 15 frames/s within 0.85 × 150 ms is about 2 frames; one more probes.
  assert.ok(controller.window <= Math.floor(15 * 0.1275) + 1, `window ${controller.window}`);
  assert.ok(last.rtt <= 150, `round trip ${last.rtt}`);
  assert.equal(last.rate, 15);
});

test('a long path keeps frames in flight (its floor is the budget), a stall shrinks the window to its floor of 1', () => {
  const controller = new AdaptiveController(150, 0.8, 640, 30);
  controller.tick(0, 0);
  for (let t = 1; t <= 8; t++) secondOfLink(controller, t * 1000, { baseMs: 200, capacityFps: 100, maxFps: 30 });
  assert.ok(controller.window >= 6, `window ${controller.window} on a 200 ms path`);
  controller.tick(9000, 2000); // nothing came back for a second, the oldest frame is 2 s old
  assert.equal(controller.window, ADAPTIVE_CONSTANTS.windowMin);
  assert.equal(ADAPTIVE_CONSTANTS.windowMin, 1);
});

test('video lowers the bitrate before the width, and the width only at the bitrate floor', () => {
  const controller = new AdaptiveController(150, 0.8, 640, 30);
  assert.equal(controller.bitrate, ADAPTIVE_CONSTANTS.videoBitrateTop);
  controller.tick(0, 0);
  const seen = [];
  for (let t = 1; t <= 8; t++) {
    for (let i = 0; i < 10; i++) controller.onReply(400, 5000, 1000); // uplink-limited, far over the target
    controller.tick(t * 1000, 0);
    seen.push([controller.bitrate, controller.width]);
  }
  const firstNarrower = seen.findIndex(([, width]) => width < 640);
  assert.ok(firstNarrower > 0, JSON.stringify(seen));
  assert.equal(seen[firstNarrower][0], ADAPTIVE_CONSTANTS.videoBitrateFloor, 'the width goes down only at the bitrate floor');
  assert.ok(seen.slice(0, firstNarrower).every(([bitrate, width], i) => width === 640 && (i === 0 || bitrate <= seen[i - 1][0])));
});

test('video where the browser encodes VP8 and the server decodes it; JPEG otherwise, saying why', () => {
  const hello = { video: { decode: ['vp8'], encode: ['vp8'] } };
  assert.deepEqual(chooseFormat({ hasEncoder: true, encoderSupported: true, hello }),
    { format: 'vp8', reason: 'the browser encodes VP8 and the server decodes it' });
  assert.equal(chooseFormat({ preference: 'jpeg', hasEncoder: true, encoderSupported: true, hello }).format, 'jpeg');
  assert.deepEqual(chooseFormat({ hasEncoder: false, encoderSupported: false, hello }),
    { format: 'jpeg', reason: 'this browser has no VideoEncoder' });
  assert.deepEqual(chooseFormat({ hasEncoder: true, encoderSupported: false, hello }),
    { format: 'jpeg', reason: "this browser's VideoEncoder cannot encode VP8" });
  assert.deepEqual(chooseFormat({ hasEncoder: true, encoderSupported: true, hello: { video: { decode: [], encode: [], unavailable: 'no codec library' } } }),
    { format: 'jpeg', reason: 'the server cannot decode VP8: no codec library' });
  assert.deepEqual(chooseFormat({ hasEncoder: true, encoderSupported: true, hello: { ops: [] } }),
    { format: 'jpeg', reason: 'the server does not take video' }, 'a server from before video');
});

test('replies are VP8 where the browser decodes VP8 and the server encodes it, JPEG otherwise, with the reason', () => {
  const hello = { video: { decode: ['vp8'], encode: ['vp8'] } };
  assert.deepEqual(chooseReplyFormat({ hasDecoder: true, decoderSupported: true, hello }),
    { format: 'vp8', reason: 'the server encodes VP8 and the browser decodes it' });
  assert.deepEqual(chooseReplyFormat({ preference: 'jpeg', hasDecoder: true, decoderSupported: true, hello }),
    { format: 'jpeg', reason: 'JPEG replies were chosen' });
  assert.deepEqual(chooseReplyFormat({ hasDecoder: false, decoderSupported: false, hello }),
    { format: 'jpeg', reason: 'this browser has no VideoDecoder' });
  assert.deepEqual(chooseReplyFormat({ hasDecoder: true, decoderSupported: false, hello }),
    { format: 'jpeg', reason: "this browser's VideoDecoder cannot decode VP8" });
  assert.deepEqual(chooseReplyFormat({ hasDecoder: true, decoderSupported: true, hello: { video: { decode: [], encode: [], unavailable: 'no codec library' } } }),
    { format: 'jpeg', reason: 'the server cannot encode VP8: no codec library' });
  assert.deepEqual(chooseReplyFormat({ hasDecoder: true, decoderSupported: true, hello: { video: { decode: ['vp8'], encode: [] } } }),
    { format: 'jpeg', reason: 'the server cannot encode VP8' }, 'a server that decodes video but sends no VP8 replies');
  assert.deepEqual(chooseReplyFormat({ hasDecoder: true, decoderSupported: true, hello: { ops: [] } }),
    { format: 'jpeg', reason: 'the server sends no video' }, 'a server from before video');
});

test('a decoded frame labelled with another range or matrix than the stream\'s is relabelled', () => {
  const stream = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'bt709', fullRange: true };
  assert.equal(mislabelled({ ...stream }, stream), false);
  assert.equal(mislabelled({ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: true }, stream), false,
    'only range and matrix change how YUV becomes RGB on a canvas');
  assert.equal(mislabelled({ ...stream, fullRange: false }, stream), true, "Chromium's VP8 decoder without the colour space");
  assert.equal(mislabelled({ ...stream, matrix: 'smpte170m' }, stream), true);
  assert.equal(mislabelled(null, stream), true);
  assert.equal(mislabelled({ fullRange: false }, undefined), false, 'a stream without a colour space: the decoder\'s label stands');
});

test('only bad_video makes the client fall back to JPEG: a bad_frame about one chunk, whatever its text, does not', () => {
  assert.match(videoRefusal({ code: 'bad_video', message: 'unknown codec vp9' }), /refused video: unknown codec vp9/);
  assert.match(videoRefusal({ code: 'bad_video', message: 'this server decodes no video' }), /refused video/);
  // The review's case: one corrupt key chunk's error named the flag, and the page sent JPEG for good.
  assert.equal(videoRefusal({ code: 'bad_frame', seq: 9, message: 'the chunk is flagged key but is not a VP8 key frame' }), null);
  assert.equal(videoRefusal({ code: 'bad_frame', message: 'unsupported header flags 3' }), null);
  assert.equal(videoRefusal({ code: 'bad_frame', message: 'not a JPEG' }), null);
  assert.equal(videoRefusal({ code: 'rate_limited', message: 'too many frames' }), null);
});

test('the colour space sent is the encoder\'s where it names one, full-range BT.709 otherwise', () => {
  assert.deepEqual(colorSpaceOf(undefined), DEFAULT_COLOR_SPACE);
  assert.deepEqual(colorSpaceOf({ primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true }),
    { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'bt709', fullRange: true });
  assert.deepEqual(colorSpaceOf({ primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false }),
    { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false });
});

test('after a server restart the new session starts afresh: nothing in flight, seq from 1, the old socket ignored', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', backoff: { minMs: 1, maxMs: 2 }, adaptive: { enabled: false } });
    const frames = [];
    client.addEventListener('frame', ({ detail }) => frames.push(detail.seq));
    await client.connect();
    const old = FakeSocket.made[0];
    old.accept();
    const jpeg = new Uint8Array([0xFF, 0xD8, 0xFF, 0xD9]);
    assert.deepEqual([client.send(jpeg), client.send(jpeg), client.send(jpeg)], [1, 2, -1], 'a window of 2, both in flight');
    old.drop(1001); // the server restarts with both frames in flight
    await tick(20);
    const fresh = FakeSocket.made.at(-1);
    assert.notEqual(fresh, old, 'it reconnected');
    fresh.accept();
    assert.equal(client.inFlight, 0, 'the lost frames hold no credits');
    assert.equal(client.send(jpeg), 1, 'the new session numbers its frames from 1');
    assert.equal(client.send(jpeg), 2);
    assert.equal(fresh.sent.length, 2);
    old.onmessage({ data: encodeHeader(1, 0) }); // a late reply on the old socket
    assert.deepEqual(frames, [], 'changes nothing');
    assert.equal(client.inFlight, 2);
    fresh.onmessage({ data: encodeHeader(1, 0) });
    assert.deepEqual(frames, [1]);
    assert.equal(client.inFlight, 1);
    client.close();
  });
});

const hello = (pipeline) => JSON.stringify({ type: 'hello', version: 1, ops: [], pipeline, quality: 80, reply: 'image',
  replyFormat: 'jpeg', limits: {} });

test('goaway moves the session at once, without backoff, setting the pipeline it had again; the old socket is left to the server', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    // A backoff far longer than the test: a move that waited for it would never open the new socket.
    const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', backoff: { minMs: 60000, maxMs: 60000 },
      adaptive: { enabled: false } });
    const hellos = [];
    const closes = [];
    client.addEventListener('hello', ({ detail }) => hellos.push(detail));
    client.addEventListener('close', ({ detail }) => closes.push(detail));
    await client.connect();
    const old = FakeSocket.made[0];
    old.accept();
    old.onmessage({ data: hello([{ op: 'resize', width: 700 }]) });
    assert.ok(client.setPipeline([{ op: 'gray' }], 70));
    old.onmessage({ data: JSON.stringify({ type: 'pipeline', ops: [{ op: 'gray' }], quality: 70, reply: 'image', replyFormat: 'jpeg' }) });
    const jpeg = new Uint8Array([0xFF, 0xD8, 0xFF, 0xD9]);
    assert.equal(client.send(jpeg), 1);

    old.onmessage({ data: JSON.stringify({ type: 'goaway', reason: 'restart', reconnectAfterMs: 0 }) });
    assert.equal(FakeSocket.made.length, 2, 'a new socket at once');
    assert.equal(old.readyState, 1, 'the old one stays for the server to close');
    assert.equal(client.inFlight, 0, 'the new session counts afresh');
    const fresh = FakeSocket.made[1];
    fresh.accept();
    fresh.onmessage({ data: hello([{ op: 'resize', width: 700 }]) });
    const resent = fresh.sent.map((m) => typeof m === 'string' ? JSON.parse(m) : m).filter((m) => m.type === 'pipeline');
    assert.deepEqual(resent, [{ type: 'pipeline', ops: [{ op: 'gray' }], quality: 70, reply: 'image', replyFormat: 'jpeg' }]);
    assert.deepEqual(hellos.at(-1).pipeline, [{ op: 'gray' }], 'the hello handed on shows the pipeline that runs');
    assert.equal(hellos.at(-1).quality, 70);
    old.drop(1012); // the server closes the drained session
    await tick(20);
    assert.equal(FakeSocket.made.length, 2, 'the old socket\'s close opens nothing');
    assert.deepEqual(closes, [], 'and is no close of this client');
    assert.equal(client.state, 'open');
    assert.equal(client.send(jpeg), 1, 'seq from 1 on the new session');
    client.close();
  });
});

test('a 1012 close without goaway reconnects at once, keeping the pipeline; another close backs off', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', backoff: { minMs: 60000, maxMs: 60000 },
      adaptive: { enabled: false } });
    const reconnecting = [];
    client.addEventListener('reconnecting', ({ detail }) => reconnecting.push(detail.delayMs));
    await client.connect();
    const first = FakeSocket.made[0];
    first.accept();
    first.onmessage({ data: hello([{ op: 'resize', width: 700 }]) });
    client.setPipeline([{ op: 'blur', kernel: 9 }]);
    first.onmessage({ data: JSON.stringify({ type: 'pipeline', ops: [{ op: 'blur', kernel: 9 }], quality: 80, reply: 'image' }) });
    first.drop(1012);
    await tick(20);
    assert.deepEqual(reconnecting, [0], 'no backoff for a restart');
    assert.equal(FakeSocket.made.length, 2);
    const second = FakeSocket.made[1];
    second.accept();
    second.onmessage({ data: hello([{ op: 'resize', width: 700 }]) });
    assert.deepEqual(JSON.parse(second.sent.find((m) => typeof m === 'string' && m.includes('"pipeline"'))).ops, [{ op: 'blur', kernel: 9 }]);
    second.drop(1001); // a plain shutdown: the backoff as before
    await tick(20);
    assert.equal(reconnecting.length, 2);
    assert.ok(reconnecting[1] >= 30000, 'backs off: ' + reconnecting[1]);
    assert.equal(FakeSocket.made.length, 2, 'not at once');
    client.close();
  });
});

test('a move refused by the draining node (503) tries again within a few hundred ms, not the backoff', async () => {
  const draining = async () => new Response('the server is restarting: try again in a second', { status: 503 });
  await withFakes(draining, async () => {
    const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', backoff: { minMs: 60000, maxMs: 60000 },
      adaptive: { enabled: false } });
    const delays = [];
    client.addEventListener('reconnecting', ({ detail }) => delays.push(detail.delayMs));
    await client.connect();
    FakeSocket.made[0].accept();
    FakeSocket.made[0].onmessage({ data: hello([{ op: 'resize', width: 700 }]) });
    FakeSocket.made[0].onmessage({ data: JSON.stringify({ type: 'goaway', reason: 'restart', reconnectAfterMs: 0 }) });
    FakeSocket.made[1].drop(1006); // refused before the upgrade: the client asks why, 503
    await tick(20);
    assert.equal(delays.length, 1);
    assert.ok(delays[0] >= 100 && delays[0] <= 300, 'a short, jittered retry: ' + delays[0]);
    await tick(350);
    assert.equal(FakeSocket.made.length, 3, 'it tried again');
    FakeSocket.made[2].accept();
    FakeSocket.made[2].onmessage({ data: hello([{ op: 'resize', width: 700 }]) });
    FakeSocket.made[2].drop(1006); // once moved, a lost connection backs off as always
    await tick(20);
    assert.ok(delays.at(-1) >= 30000, 'the backoff again: ' + delays.at(-1));
    client.close();
  });
});

// ---- VideoSender with a fake VideoEncoder (node has none) ---------------------------------------

/** A VideoEncoder the test watches: a key when asked (or forced), deltas otherwise; can drop a frame. */
class FakeEncoder {
  static made = [];

  constructor({ output, error }) {
    this.output = output;
    this.error = error;
    this.state = 'unconfigured';
    this.configs = [];
    this.asked = []; // keyFrame per encode
    this.drop = false;
    this.holding = false; // outputs wait in held until the test releases them
    this.held = [];
    FakeEncoder.made.push(this);
  }

  configure(config) {
    this.configs.push(config);
    this.state = 'configured';
  }

  encode(frame, { keyFrame }) {
    this.asked.push(keyFrame);
    if (this.drop || FakeEncoder.dropAll) return; // the encoder dropped it: no output
    const key = keyFrame || this.asked.length === 1;
    const chunk = { type: key ? 'key' : 'delta', timestamp: frame.timestamp, byteLength: 3,
      copyTo: (buffer) => new Uint8Array(buffer).set([key ? 0x10 : 0x11, 2, 3]) };
    const metadata = key ? { decoderConfig: { colorSpace: { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true } } } : {};
    if (this.holding) this.held.push(() => this.output(chunk, metadata));
    else queueMicrotask(() => this.output(chunk, metadata));
  }

  close() {
    this.state = 'closed';
  }
}

const { VideoSender } = await import('../../../webroot/video-sender.js');

function fakeFrame(timestamp) {
  return { timestamp, closed: false, close() { this.closed = true; } };
}

test('the video sender: a key with the control message first, deltas after, a key again when asked or resized', async () => {
  globalThis.VideoEncoder = FakeEncoder;
  FakeEncoder.made = [];
  try {
    const sender = new VideoSender();
    sender.configure(640, 480, 1_000_000, 30);
    const frame = fakeFrame(1);
    const first = await sender.encode(frame);
    assert.ok(frame.closed, 'the frame is closed once encoded');
    assert.equal(first.key, true);
    assert.deepEqual(first.control, { type: 'video', codec: 'vp8', width: 640, height: 480,
      colorSpace: { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'bt709', fullRange: true } });
    assert.deepEqual([...new Uint8Array(first.data)], [0x10, 2, 3]);
    const second = await sender.encode(fakeFrame(2));
    assert.deepEqual([second.key, second.control], [false, null]);

    sender.requestKey(); // the server's keyframe message
    const third = await sender.encode(fakeFrame(3));
    assert.deepEqual([third.key, third.control], [true, null], 'a key; the stream is the same, so no control message');

    sender.configure(640, 480, 500_000, 30); // a new bitrate only retunes
    assert.equal((await sender.encode(fakeFrame(4))).key, false);
    sender.configure(320, 240, 500_000, 30); // a new size reconfigures: key and control message again
    const resized = await sender.encode(fakeFrame(5));
    assert.equal(resized.key, true);
    assert.equal(resized.control.width, 320);
    assert.deepEqual(FakeEncoder.made[0].asked, [true, false, true, false, true]);
    assert.deepEqual(FakeEncoder.made[0].configs.map((c) => [c.width, c.bitrate, c.latencyMode]),
      [[640, 1_000_000, 'realtime'], [640, 500_000, 'realtime'], [320, 500_000, 'realtime']]);

    sender.restart(); // a new session
    const again = await sender.encode(fakeFrame(6));
    assert.equal(again.key, true);
    assert.ok(again.control, 'a new session hears the control message again');
  } finally {
    FakeEncoder.dropAll = false;
    delete globalThis.VideoEncoder;
  }
});

test('a frame the encoder drops is given up, and the next frame is a key', async () => {
  globalThis.VideoEncoder = FakeEncoder;
  FakeEncoder.made = [];
  try {
    const sender = new VideoSender();
    sender.configure(640, 480, 1_000_000, 30);
    await sender.encode(fakeFrame(1));
    FakeEncoder.made[0].drop = true;
    assert.equal(await sender.encode(fakeFrame(2)), null, 'no chunk: nothing to send');
    FakeEncoder.made[0].drop = false;
    const next = await sender.encode(fakeFrame(3));
    assert.equal(next.key, true, 'a late chunk of the dropped frame could have left the server without its reference');
  } finally {
    FakeEncoder.dropAll = false;
    delete globalThis.VideoEncoder;
  }
});

test('the client asks its video sender for a key on the server\'s keyframe message, and falls back on a refusal', () => {
  const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames' });
  const formats = [];
  client.addEventListener('format', ({ detail }) => formats.push(detail));
  client.useFormat({ format: 'vp8', reason: 'test' });
  client.video.needKey = false;
  client.onControl({ type: 'keyframe', reason: 'gap', seq: 7 });
  assert.equal(client.video.needKey, true);
  client.onControl({ type: 'error', code: 'bad_video', message: 'unknown codec' });
  assert.equal(client.sendFormat.format, 'jpeg');
  assert.equal(client.video, null, 'the encoder is released');
  assert.deepEqual(formats.map((f) => f.format), ['vp8', 'jpeg']);
  assert.match(formats[1].reason, /refused video: unknown codec/);
});
test('a switch of reply mode restarts the adaptive controller: a limit it found on the downlink is gone in results mode', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const { client, socket, events } = await openClient();
    const adaptations = [];
    client.addEventListener('adaptation', ({ detail }) => adaptations.push(detail));
    // The page's camera, as captureAndSend reads it: a 640x480 frame on demand.
    const camera = { width: 640, height: 480, fresh: true, take: async () => ({ jpeg: new Blob([JPEG]), capturedAt: 0 }) };
    client.camera = camera;
    await client.captureAndSend(camera);
    const inImageMode = client.adaptation.controller;
    assert.ok(inImageMode, 'the first frame started the controller');
    // Round trips over the target while the downlink carries large images: a step down, blamed on the downlink.
    for (let i = 0; i < 5; i++) inImageMode.onReply(400, 1_000, 48_000);
    inImageMode.tick(0, 0);
    assert.equal(inImageMode.tick(ADAPTIVE_CONSTANTS.decisionMs + 1, 0), true);
    assert.equal(client.adaptive.limiter, 'downlink');
    assert.equal(client.adaptive.atTop, false);
    await client.captureAndSend(camera);
    assert.equal(client.adaptation.controller, inImageMode, 'the same mode keeps the controller and its steps');
    client.setPipeline([{ op: 'faces' }], undefined, 'results');
    await client.captureAndSend(camera);
    assert.notEqual(client.adaptation.controller, inImageMode, 'results mode: a new controller');
    assert.equal(client.adaptive.limiter, 'none', 'no longer limited by the downlink');
    assert.equal(client.adaptive.atTop, true, 'from the top settings again');
    assert.equal(adaptations.at(-1).limiter, 'none', 'the page is told');
    const inResultsMode = client.adaptation.controller;
    socket.onmessage({ data: JSON.stringify({ type: 'pipeline', ops: [{ op: 'faces' }], quality: 80, reply: 'results' }) });
    await client.captureAndSend(camera);
    assert.equal(client.adaptation.controller, inResultsMode, 'the server confirming the mode asked for changes nothing');
    client.setPipeline([{ op: 'faces' }], undefined, 'image');
    await client.captureAndSend(camera);
    assert.notEqual(client.adaptation.controller, inResultsMode, 'back to images: measured afresh');
    assert.equal(events.error.length, 0, String(events.error.map((e) => e.message)));
    client.close();
  });
});

// ---- the review's client findings (4, 5, 7, 8, 16) ------------------------------------------------

test('a reply to a later frame gives back the credits of the frames before it; an error only its own', () => {
  const credits = new CreditWindow(4, 3000);
  for (const seq of [1, 2, 3, 4]) credits.take(seq, seq);
  assert.deepEqual(credits.answered(3), [1, 2], 'the server answers in order: 1 and 2 were dropped');
  assert.equal(credits.inFlight, 1);
  assert.deepEqual(credits.answered(3), [], 'given back already');
  assert.deepEqual(credits.answered(9), [], 'a seq that holds no credit gives back none');
  assert.equal(credits.inFlight, 1);
  assert.equal(credits.settle(4), 4);
  assert.equal(credits.inFlight, 0);
});

/** A VP8 reply chunk to the frame with this header: the request's header with VIDEO (| KEY), then payloadBytes. */
function videoReply(header, payloadBytes, key = false) {
  return new Uint8Array([...bytes(encodeHeader(header.seq, header.timestamp, key ? FLAG_VIDEO | FLAG_KEY : FLAG_VIDEO)),
    ...new Uint8Array(payloadBytes).fill(7)]).buffer;
}

test('frames the server dropped as stale get their credits back with the next reply, not after the timeout', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const { client, socket, events } = await openClient();
    client.credits.resize(8);
    const controller = client.adaptation.controller;
    for (let i = 0; i < 4; i++) client.send(JPEG);
    assert.equal(client.inFlight, 4);
    // Frames 1 and 2 were dropped as stale; frame 3's image comes.
    socket.onmessage({ data: imageReply(await sentHeader(socket, 2)) });
    assert.equal(client.inFlight, 1, 'only frame 4 still waits');
    assert.deepEqual(events.frame.map((f) => f.seq), [3]);
    assert.equal(controller.roundTrips.length, 1, 'the dropped frames are no round trips (not 3 s ones)');
    assert.ok(!client.adaptation.sent.has(1) && !client.adaptation.sent.has(2) && !client.sentFrames.has(2));
    // An error for a later frame can come before an earlier frame's reply: it settles only its own.
    client.send(JPEG); // 5
    socket.onmessage({ data: JSON.stringify({ type: 'error', code: 'bad_frame', seq: 5, message: 'not a JPEG' }) });
    assert.equal(client.inFlight, 1, 'frame 4 still waits for its reply');
    socket.onmessage({ data: imageReply(await sentHeader(socket, 3)) });
    assert.equal(client.inFlight, 0);
    // A VP8 reply chunk settles the frames before it as an image does.
    for (let i = 0; i < 3; i++) client.send(JPEG); // 6, 7, 8
    socket.onmessage({ data: videoReply(await sentHeader(socket, 6), 900) });
    assert.equal(client.inFlight, 1, 'frame 6 given back with 7\'s chunk; 8 waits');
    assert.equal(events.error.length, 1, 'the one bad_frame');
    client.close();
  });
});

test('with video, a downlink limit lowers only the frame rate: bitrate and width shrink the chunks up, not the replies', () => {
  const video = new AdaptiveController(150, 0.8, 640, 30, undefined, { video: true });
  const jpeg = new AdaptiveController(150, 0.8, 640, 30);
  for (const c of [video, jpeg]) {
    c.onReply(100, 3_000, 36_000); // the link's floor: 400 ms round trips are queued ones
    c.tick(0, 0);
  }
  for (let t = 1; t <= 6; t++) {
    for (const c of [video, jpeg]) {
      for (let i = 0; i < 5; i++) c.onReply(400, 3_000, 36_000); // VP8 chunks of 3 KB up, JPEG replies of 36 KB down
      c.tick(t * 1000, 0);
    }
  }
  assert.equal(video.limiter, 'downlink');
  assert.equal(video.bitrate, ADAPTIVE_CONSTANTS.videoBitrateTop, 'the bitrate is left alone');
  assert.equal(video.width, 640, 'and so is the width');
  assert.ok(video.fps < 30, `fewer frames instead: ${video.fps}`);
  assert.ok(jpeg.quality < 0.8, 'JPEG frames still step their quality for the downlink (their width shrinks the reply)');
  // An uplink limit still lowers the bitrate first.
  const uplink = new AdaptiveController(150, 0.8, 640, 30, undefined, { video: true });
  uplink.tick(0, 0);
  for (let i = 0; i < 5; i++) uplink.onReply(400, 5_000, 1_000);
  uplink.tick(1000, 0);
  assert.equal(uplink.limiter, 'uplink');
  assert.ok(uplink.bitrate < ADAPTIVE_CONSTANTS.videoBitrateTop);
});

/** A client on a fake socket whose camera is read on demand, sending VP8 through FakeEncoder. */
async function openVideoClient(hello = {}) {
  const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', backoff: { minMs: 1, maxMs: 2 } });
  const events = { format: [], error: [], adaptation: [] };
  for (const type of Object.keys(events)) client.addEventListener(type, ({ detail }) => events[type].push(detail));
  await client.connect();
  const socket = FakeSocket.made.at(-1);
  socket.accept();
  socket.onmessage({ data: JSON.stringify({ type: 'hello', ops: [], pipeline: [], quality: 80, limits: {}, ...hello }) });
  client.useFormat({ format: 'vp8', reason: 'test' });
  let timestamp = 0;
  const camera = { width: 640, height: 480, fresh: true, stop() {},
    takeFrame: async () => ({ frame: fakeFrame(++timestamp), capturedAt: 0 }) };
  client.camera = camera;
  return { client, socket, camera, events };
}

/** The binary messages a fake socket was sent, as ArrayBuffers. */
async function binaries(socket) {
  return Promise.all(socket.sent.filter((m) => typeof m !== 'string').map((m) => m.arrayBuffer()));
}

test('with VP8 replies the controller judges the downlink by the reply chunks\' own bytes', async () => {
  globalThis.VideoEncoder = FakeEncoder;
  try {
    await withFakes(pendingFetch().fetch, async () => {
      const { client, socket, camera } = await openVideoClient({ replyFormat: 'vp8' });
      await client.captureAndSend(camera);
      const controller = client.adaptation.controller;
      assert.equal(controller.video, true, 'a controller for VP8 frames');
      assert.equal(client.adaptation.top.replyFormat, 'vp8');
      const now = performance.now();
      controller.tick(now, 0);
      for (let i = 0; i < 4; i++) await client.captureAndSend(camera);
      const sent = await binaries(socket);
      assert.equal(sent.length, 5);
      let replied = 0;
      for (const message of sent) {
        const header = decodeHeader(message);
        // 400 ms round trips; the reply chunk is small (40 bytes), as VP8 replies are.
        const reply = videoReply({ seq: header.seq, timestamp: header.timestamp - 400_000n }, 24, replied === 0);
        replied += reply.byteLength;
        socket.onmessage({ data: reply });
      }
      assert.equal(controller.bytesDown, replied, 'the bytes down are the chunks as they came');
      assert.equal(controller.bytesUp, sent.reduce((sum, m) => sum + m.byteLength, 0));
      assert.equal(controller.tick(now + ADAPTIVE_CONSTANTS.decisionMs + 1, 0), true);
      assert.equal(controller.limiter, 'uplink', 'small replies: the uplink is the limit');
      assert.ok(controller.bitrate < ADAPTIVE_CONSTANTS.videoBitrateTop, 'and the bitrate goes down');
      // Back to JPEG replies (the server's answer says so): the downlink carries other replies, a new controller.
      socket.onmessage({ data: JSON.stringify({ type: 'pipeline', ops: [], quality: 80, reply: 'image', replyFormat: 'jpeg' }) });
      await client.captureAndSend(camera);
      assert.notEqual(client.adaptation.controller, controller);
      assert.equal(client.adaptation.top.replyFormat, 'jpeg');
      assert.equal(client.adaptive.atTop, true);
      client.detachCamera();
      client.close();
    });
  } finally {
    FakeEncoder.dropAll = false;
    delete globalThis.VideoEncoder;
  }
});

test('a chunk encoded while the session reconnected is not sent on the new one: it starts with the control message and a key', async () => {
  globalThis.VideoEncoder = FakeEncoder;
  FakeEncoder.made = [];
  try {
    await withFakes(pendingFetch().fetch, async () => {
      const { client, socket: old, camera } = await openVideoClient({ video: { decode: ['vp8'], encode: [] } });
      await client.captureAndSend(camera); // the key, on the old session
      assert.equal((await binaries(old)).length, 1);
      const encoder = FakeEncoder.made[0];
      encoder.holding = true;
      const inFlight = client.captureAndSend(camera); // a delta, being encoded
      await tick(0);
      assert.equal(encoder.held.length, 1);
      old.drop(1001);
      await tick(20);
      const fresh = FakeSocket.made.at(-1);
      assert.notEqual(fresh, old);
      fresh.accept();
      encoder.holding = false;
      encoder.held.shift()(); // the delta comes out of the encoder now
      await inFlight;
      assert.deepEqual(fresh.sent, [], 'the delta of the old stream was dropped');
      await client.captureAndSend(camera);
      assert.equal(JSON.parse(fresh.sent[0]).type, 'video', 'the control message first');
      const [first] = await binaries(fresh);
      assert.deepEqual(decodeHeader(first), { seq: 1, timestamp: decodeHeader(first).timestamp, flags: FLAG_VIDEO | FLAG_KEY });
      client.detachCamera();
      client.close();
    });
  } finally {
    FakeEncoder.dropAll = false;
    delete globalThis.VideoEncoder;
  }
});

test('a socket the client has left cannot reset the session when it opens late', async () => {
  await withFakes(() => Promise.reject(new Error('not asked here')), async () => {
    const client = new FrameLoopClient({ url: 'ws://127.0.0.1:9/frames', backoff: { minMs: 1, maxMs: 2 }, adaptive: { enabled: false } });
    const opens = [];
    client.addEventListener('open', () => opens.push(1));
    await client.connect();
    const left = FakeSocket.made[0];
    client.setToken('abc'); // reopens: the first socket, still connecting, is closed
    await tick(20);
    const current = FakeSocket.made.at(-1);
    assert.notEqual(current, left);
    current.accept();
    assert.equal(client.send(JPEG), 1);
    left.onopen(); // the left socket's open, late
    assert.equal(opens.length, 1, 'one open event');
    assert.equal(client.inFlight, 1, 'the frame in flight keeps its credit');
    assert.equal(client.send(JPEG), 2, 'seq goes on');
    client.close();
  });
});

test('an encoder that gives no chunk for several frames in a row has failed: the client sends JPEG', async () => {
  globalThis.VideoEncoder = FakeEncoder;
  FakeEncoder.made = [];
  try {
    const sender = new VideoSender({ outputTimeoutMs: 5 });
    sender.configure(640, 480, 1_000_000, 30);
    FakeEncoder.made[0].drop = true;
    assert.equal(await sender.encode(fakeFrame(1)), null);
    assert.equal(await sender.encode(fakeFrame(2)), null);
    FakeEncoder.made[0].drop = false;
    assert.equal((await sender.encode(fakeFrame(3))).key, true, 'a chunk in between starts the count again');
    FakeEncoder.made[0].drop = true;
    assert.equal(await sender.encode(fakeFrame(4)), null);
    assert.equal(await sender.encode(fakeFrame(5)), null);
    await assert.rejects(sender.encode(fakeFrame(6)), /3 frames in a row gave no chunk to send \(the last: no chunk within 5 ms\)/);

    await withFakes(pendingFetch().fetch, async () => {
      const { client, camera, events, socket } = await openVideoClient();
      client.video = new VideoSender({ outputTimeoutMs: 5 });
      FakeEncoder.dropAll = true; // an encoder slower than the timeout: every frame times out
      for (let i = 0; i < 3; i++) await client.captureAndSend(camera);
      FakeEncoder.dropAll = false;
      assert.equal(client.sendFormat.format, 'jpeg');
      assert.match(client.sendFormat.reason, /the video encoder failed: 3 frames in a row gave no chunk/);
      assert.equal(client.video, null);
      assert.deepEqual(await binaries(socket), [], 'nothing was sent as video');
      assert.equal(events.format.at(-1).format, 'jpeg');
      client.detachCamera();
      client.close();
    });
  } finally {
    FakeEncoder.dropAll = false;
    delete globalThis.VideoEncoder;
  }
});
test('VP8 replies: setPipeline sends replyFormat, a switch of format restarts the controller, a chunk settles its frame with its bytes', async () => {
  await withFakes(pendingFetch().fetch, async () => {
    const { client, socket, events } = await openClient();
    const camera = { width: 640, height: 480, fresh: true, take: async () => ({ jpeg: new Blob([JPEG]), capturedAt: 0 }) };
    client.camera = camera;
    await client.captureAndSend(camera);
    const withJpegReplies = client.adaptation.controller;
    const sentBefore = socket.sent.length;
    assert.equal(client.setPipeline([{ op: 'gray' }], undefined, 'image', 'vp8'), true);
    assert.deepEqual(JSON.parse(socket.sent[sentBefore]), { type: 'pipeline', ops: [{ op: 'gray' }], reply: 'image', replyFormat: 'vp8' });
    assert.equal(client.replyFormat, 'vp8');
    await client.captureAndSend(camera);
    const withVp8Replies = client.adaptation.controller;
    assert.notEqual(withVp8Replies, withJpegReplies, 'VP8 replies: the downlink carries other answers, measured afresh');
    // A reply chunk: the frame's header with VIDEO | KEY, then 3,000 bytes of chunk.
    const header = await sentHeader(socket, socket.sent.length - 1);
    const chunk = new Uint8Array(16 + 3000);
    chunk.set(new Uint8Array(encodeHeader(header.seq, header.timestamp, FLAG_VIDEO | FLAG_KEY)));
    const chunks = [];
    client.addEventListener('videoChunk', ({ detail }) => chunks.push(detail));
    const bytes = [];
    const onReply = withVp8Replies.onReply.bind(withVp8Replies);
    withVp8Replies.onReply = (rtt, up, down) => { bytes.push(down); onReply(rtt, up, down); };
    const inFlight = client.inFlight;
    socket.onmessage({ data: chunk.buffer });
    assert.equal(inFlight, 2, 'the first frame, sent with JPEG replies, is still unanswered');
    assert.equal(client.inFlight, 0, 'the chunk answers its frame, and the earlier one the server dropped');
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0].key, true);
    assert.equal(chunks[0].seq, header.seq);
    assert.equal(events.frame.length, 0, 'no JPEG frame event');
    assert.deepEqual(bytes, [16 + 3000], "the controller's downlink bytes are the chunk's");
    client.setPipeline([{ op: 'gray' }], undefined, 'image');
    assert.equal(JSON.parse(socket.sent.at(-1)).replyFormat, undefined, 'left out: JPEG');
    assert.equal(client.replyFormat, 'jpeg');
    client.close();
  });
});

// A camera at `cameraFps` whose frames come up to `jitterMs` late, and a page that takes the newest frame
// when pacing allows, for `seconds`: the frames taken, and the shortest gap. A timer fires up to 4 ms late
// (Chromium clamps nested timers to 4 ms, and the main thread has other work).
function paced(cameraFps, capFps, jitterMs, seconds, pacingRule) {
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const arrivals = [];
  for (let k = 0; k < cameraFps * seconds; k++) arrivals.push(k * 1000 / cameraFps + random() * jitterMs);
  arrivals.sort((a, b) => a - b);
  const taken = [];
  let fresh = false;
  let timerAt = Infinity;
  const events = arrivals.map((at) => ({ at, frame: true }));
  const pump = (now) => {
    const wait = pacingRule.waitMs(now);
    if (wait > 0) {
      timerAt = Math.min(timerAt, now + wait + random() * 4); // setTimeout: never early, up to 4 ms late
      return;
    }
    if (!fresh) return;
    fresh = false;
    pacingRule.took(now, capFps);
    taken.push(now);
  };
  let i = 0;
  while (i < events.length || timerAt !== Infinity) {
    if (i < events.length && events[i].at <= timerAt) {
      fresh = true;
      pump(events[i++].at);
    } else {
      const now = timerAt;
      timerAt = Infinity;
      pump(now);
    }
  }
  const gaps = taken.slice(1).map((t, k) => t - taken[k]);
  return { taken: taken.length, shortestGap: Math.min(...gaps) };
}

// The rule before: the next frame one interval after the last one went.
class FromLastSend {
  constructor() { this.last = -Infinity; this.fps = 30; }
  waitMs(now) { return this.last + 1000 / this.fps - now; }
  took(now, fps) { this.last = now; this.fps = fps; }
}

test('a 30 fps camera with timer jitter under a 30 fps cap loses no frame to pacing (the rule before lost about one in ten)', () => {
  const now = paced(30, 30, 3, 10, new SendPacing());
  const before = paced(30, 30, 3, 10, new FromLastSend());
  assert.ok(now.taken >= 298, `taken ${now.taken} of 300`);
  assert.ok(before.taken < now.taken - 10, `the rule before took ${before.taken}, now ${now.taken}`);
});

test('a 60 fps camera under a 30 fps cap is held to 30, with no two frames closer than half an interval', () => {
  const { taken, shortestGap } = paced(60, 30, 3, 10, new SendPacing());
  // Slots are at least an interval apart; the second comes half an interval after the first.
  assert.ok(taken <= 302 && taken >= 295, `taken ${taken} in 10 s`);
  assert.ok(shortestGap >= 1000 / 30 / 2, `shortest gap ${shortestGap} ms`);
});

test('after a pause the next slot is half an interval on, and reset() lets a frame go at once', () => {
  const pacing = new SendPacing();
  assert.ok(pacing.waitMs(0) <= 0);
  pacing.took(0, 30); // the first after a pause: the next half an interval on
  assert.equal(pacing.waitMs(0), 1000 / 30 / 2);
  pacing.took(20, 30); // 3.3 ms after its slot: the next slot keeps the spacing from slot to slot
  assert.ok(Math.abs(pacing.waitMs(20) - (1000 / 30 / 2 + 1000 / 30 - 20)) < 1e-9, `${pacing.waitMs(20)}`);
  pacing.took(5000, 30); // long after its slot: no credit saved up for a burst
  assert.ok(Math.abs(pacing.waitMs(5000) - 1000 / 30 / 2) < 1e-9, `${pacing.waitMs(5000)}`);
  pacing.reset();
  assert.ok(pacing.waitMs(5000) <= 0);
});
