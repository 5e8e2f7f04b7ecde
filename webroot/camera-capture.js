// Frames from a camera MediaStream, without the DOM: a MediaStreamTrackProcessor reads the video
// track's frames as they come and keeps only the newest (latest frame wins); take() draws it at
// the size asked into an OffscreenCanvas and encodes it as JPEG. Browsers without
// MediaStreamTrackProcessor grab a frame on demand with ImageCapture instead.

export class CameraCapture {
  /** onFrame: called whenever a new camera frame is there to take. */
  constructor(stream, onFrame) {
    const [track] = stream.getVideoTracks();
    if (!track) throw new TypeError('the stream has no video track');
    if (typeof MediaStreamTrackProcessor === 'undefined' && typeof ImageCapture === 'undefined') {
      throw new TypeError('this browser offers neither MediaStreamTrackProcessor nor ImageCapture to read camera frames');
    }
    this.track = track;
    this.onFrame = onFrame;
    this.latest = null; // the newest VideoFrame not taken yet
    this.latestAt = 0; // performance.now() when it arrived
    this.stopped = false;
    this.canvas = null;
    const settings = track.getSettings();
    this.frameWidth = settings.width || 0;
    this.frameHeight = settings.height || 0;
    if (typeof MediaStreamTrackProcessor !== 'undefined') {
      this.reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
      this.readFrames();
    } else {
      this.imageCapture = new ImageCapture(track);
      queueMicrotask(() => this.onFrame());
    }
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
    return this.latest !== null || (this.imageCapture !== undefined && this.track.readyState === 'live');
  }

  /** The camera's frame size (0 until known). */
  get width() {
    return this.frameWidth;
  }

  get height() {
    return this.frameHeight;
  }

  /** The newest frame at width × height as a JPEG: {jpeg (Blob), capturedAt (performance.now())}, or null if none. */
  async take(width, height, quality) {
    let frame;
    let capturedAt;
    if (this.imageCapture) {
      frame = await this.imageCapture.grabFrame();
      capturedAt = performance.now();
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
      frame.close();
    }
    const jpeg = await this.canvas.convertToBlob({ type: 'image/jpeg', quality });
    return { jpeg, capturedAt };
  }

  /** Stops reading; the stream's tracks are the caller's to stop. */
  stop() {
    this.stopped = true;
    if (this.latest) this.latest.close();
    this.latest = null;
    if (this.reader) this.reader.cancel().catch(() => {});
  }
}
