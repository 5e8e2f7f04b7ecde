// What the server sends back for each frame: 'image' (the processed JPEG), 'results' (only the results
// message: what the ops found) or 'both' (the results message, then the image). The server applies a
// pipeline message to the frames after it, in the socket's order, so the mode a frame was sent under is
// the one last asked for; a refused pipeline leaves the one the server last confirmed.

export const REPLY_MODES = Object.freeze(['image', 'results', 'both']);
export const DEFAULT_REPLY = 'image';

export class ReplyMode {
  constructor() {
    this.confirmed = DEFAULT_REPLY; // the server's word: its hello or its last pipeline answer
    this.current = DEFAULT_REPLY; // what the next frame is sent under
  }

  /** A mode the client asked the server for (its pipeline message is on its way). */
  request(mode) {
    this.current = checkReply(mode);
  }

  /** The server's hello or pipeline answer (no reply field: a server from before reply modes, so images). */
  confirm(mode) {
    this.confirmed = REPLY_MODES.includes(mode) ? mode : DEFAULT_REPLY;
    this.current = this.confirmed;
  }

  /** The server refused the pipeline asked for: it kept its own. */
  refused() {
    this.current = this.confirmed;
  }

  /** A new session starts with the server's default until its hello says otherwise. */
  reset() {
    this.confirmed = DEFAULT_REPLY;
    this.current = DEFAULT_REPLY;
  }
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
