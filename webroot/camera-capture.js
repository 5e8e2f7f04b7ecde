// Frames from a camera MediaStream, without the DOM. Three ways to read them, the first the browser
// and the caller allow:
//   'track-processor'  a MediaStreamTrackProcessor reads the video track's frames as they come and
//                      keeps only the newest (latest frame wins) (Chromium);
//   'frame-source'     the caller's frameSource(), a function returning what to draw now: any
//                      CanvasImageSource, e.g. the page's <video> element playing the stream, or a
//                      VideoFrame (Firefox, Safari: the page knows its own elements, the library does not);
//   'image-capture'    ImageCapture grabs a frame on demand (Chromium without MediaStreamTrackProcessor).
// take() draws the frame at the size asked into an OffscreenCanvas and encodes it as JPEG; takeFrame()
// gives the drawn frame as a VideoFrame for a video encoder. A browser
// without OffscreenCanvas (Safari before 16.4) cannot encode off the DOM: the constructor throws a
// TypeError naming it, as it does when none of the three ways is there.

export class CameraCapture {
  /**
   * onFrame: called whenever a new camera frame is there to take.
   * frameSource: optional () => CanvasImageSource | null; the library draws what it returns and never
   * closes it (a VideoFrame it returns stays the caller's to close).
   */
  constructor(stream, onFrame, { frameSource } = {}) {
    const [track] = stream.getVideoTracks();
    if (!track) throw new TypeError('the stream has no video track');
    if (frameSource !== undefined && typeof frameSource !== 'function') {
      throw new TypeError('frameSource must be a function returning what to draw (e.g. () => videoElement)');
    }
    if (typeof OffscreenCanvas === 'undefined') {
      throw new TypeError('this browser has no OffscreenCanvas to encode camera frames in');
    }
    if (typeof MediaStreamTrackProcessor !== 'undefined') this.mode = 'track-processor';
    else if (frameSource) this.mode = 'frame-source';
    else if (typeof ImageCapture !== 'undefined') this.mode = 'image-capture';
    else {
      throw new TypeError('this browser offers neither MediaStreamTrackProcessor nor ImageCapture to read camera frames:'
        + ' pass attachCamera(stream, { frameSource: () => videoElement })');
    }
    this.track = track;
    this.onFrame = onFrame;
    this.frameSource = frameSource;
    this.latest = null; // the newest VideoFrame not taken yet
    this.latestAt = 0; // performance.now() when it arrived
    this.framesRead = 0; // the track's frames read so far (track-processor): the camera's real rate
    this.stopped = false;
    this.canvas = null;
    const settings = track.getSettings();
    this.frameWidth = settings.width || 0;
    this.frameHeight = settings.height || 0;
    if (this.mode === 'track-processor') {
      this.reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
      this.readFrames();
    } else {
      if (this.mode === 'image-capture') this.imageCapture = new ImageCapture(track);
      queueMicrotask(() => this.onFrame());
    }
  }

  /** Whether frames must be asked for (no event says a new one came): the caller polls. */
  get polled() {
    return this.mode !== 'track-processor';
  }

  async readFrames() {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) return;
        if (this.stopped) {
          value.close();
          return;
        }
        if (this.latest) this.latest.close(); // never taken: a newer one replaces it
        this.latest = value;
        this.latestAt = performance.now();
        this.framesRead++;
        this.frameWidth = value.displayWidth;
        this.frameHeight = value.displayHeight;
        this.onFrame();
      }
    } catch (e) {
      // the track ended or the reader was cancelled: no more frames
    }
  }

  /** Whether a frame newer than the last one taken is there. */
  get fresh() {
    if (this.mode === 'track-processor') return this.latest !== null;
    if (this.mode === 'frame-source') this.measure(this.frameSource());
    return this.track.readyState === 'live';
  }

  /** The camera's frame size (0 until known). */
  get width() {
    return this.frameWidth;
  }

  get height() {
    return this.frameHeight;
  }

  // A caller's source tells its size in one of these (a <video> before it plays: 0, not drawn yet).
  measure(source) {
    if (!source) return false;
    const width = source.displayWidth || source.videoWidth || source.naturalWidth || source.width || 0;
    const height = source.displayHeight || source.videoHeight || source.naturalHeight || source.height || 0;
    if (!(width > 0 && height > 0)) return false;
    this.frameWidth = width;
    this.frameHeight = height;
    return true;
  }

  /** The newest frame at width × height as a JPEG: {jpeg (Blob), capturedAt (performance.now())}, or null if none. */
  async take(width, height, quality) {
    const drawn = await this.draw(width, height);
    if (!drawn) return null;
    const jpeg = await this.canvas.convertToBlob({ type: 'image/jpeg', quality });
    return { jpeg, capturedAt: drawn.capturedAt };
  }

  /**
   * The newest frame at width × height as a VideoFrame for an encoder (the caller closes it):
   * {frame, capturedAt}, or null if none.
   */
  async takeFrame(width, height) {
    const drawn = await this.draw(width, height);
    if (!drawn) return null;
    return { frame: new VideoFrame(this.canvas, { timestamp: Math.round(drawn.capturedAt * 1000) }), capturedAt: drawn.capturedAt };
  }

  // Draws the newest frame into the canvas at width × height: {capturedAt}, or null if there is none.
  async draw(width, height) {
    let frame;
    let capturedAt;
    let ours = true; // whether this frame is the library's to close
    if (this.mode === 'image-capture') {
      frame = await this.imageCapture.grabFrame();
      capturedAt = performance.now();
    } else if (this.mode === 'frame-source') {
      frame = this.frameSource();
      capturedAt = performance.now();
      ours = false;
      if (!this.measure(frame)) return null; // nothing to draw yet
    } else {
      frame = this.latest;
      capturedAt = this.latestAt;
      this.latest = null;
    }
    if (!frame) return null;
    if (!this.canvas) this.canvas = new OffscreenCanvas(width, height);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    try {
      this.canvas.getContext('2d').drawImage(frame, 0, 0, width, height);
    } finally {
      if (ours) frame.close();
    }
    return { capturedAt };
  }

  /** Stops reading; the stream's tracks are the caller's to stop. */
  stop() {
    this.stopped = true;
    if (this.latest) this.latest.close();
    this.latest = null;
    if (this.reader) this.reader.cancel().catch(() => {});
  }
}
