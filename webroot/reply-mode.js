// What the server sends back for each frame: 'image' (the processed JPEG), 'results' (only the results
// message: what the ops found) or 'both' (the results message, then the image). The server applies
// pipeline messages in the socket's order, each to the frames after it, and answers each with its
// normalized pipeline (its reply mode included) or a bad_pipeline error; a pipeline without reply keeps
// the session's mode. So the mode the next frame is sent under is the server's last answer followed by
// the pipelines still unanswered.

export const REPLY_MODES = Object.freeze(['image', 'results', 'both']);
export const DEFAULT_REPLY = 'image';

export class ReplyMode {
  constructor() {
    this.confirmed = DEFAULT_REPLY; // the server's word: its hello or its last pipeline answer
    this.pending = []; // the reply of each pipeline sent and not answered yet (undefined: the mode unchanged)
  }

  /** The mode the next frame is sent under. */
  get current() {
    return this.pending.reduce((mode, reply) => reply ?? mode, this.confirmed);
  }

  /** A pipeline message just sent, with this reply (undefined: none); a RangeError on a mode the protocol has not. */
  request(reply) {
    if (reply !== undefined) checkReply(reply);
    this.pending.push(reply);
  }

  /** The server's answer to the oldest pipeline sent (no reply field: a server from before reply modes, so images). */
  answered(reply) {
    this.pending.shift();
    this.confirmed = known(reply);
  }

  /** The server put the session back on its default pipeline on its own: the pipelines sent since still apply after it. */
  reset(reply) {
    this.confirmed = known(reply);
  }

  /** The server refused the oldest pipeline sent: it kept its mode. */
  refused() {
    this.pending.shift();
  }

  /** A session's hello: its mode, and nothing sent yet. */
  hello(reply) {
    this.pending = [];
    this.confirmed = known(reply);
  }

  /** A new session starts with the server's default until its hello says otherwise. */
  reset() {
    this.hello(DEFAULT_REPLY);
  }
}

function known(reply) {
  return REPLY_MODES.includes(reply) ? reply : DEFAULT_REPLY;
}

/** The mode, or a RangeError when the protocol has no such mode. */
export function checkReply(mode) {
  if (!REPLY_MODES.includes(mode)) throw new RangeError(`reply '${mode}': one of ${REPLY_MODES.join(', ')}`);
  return mode;
}

/** Whether a frame sent under this mode is answered by its results message (no image follows). */
export function resultsSettle(mode) {
  return mode === 'results';
}

/** Whether a frame sent under this mode gets an image back. */
export function imageExpected(mode) {
  return mode !== 'results';
}
