// The demo page's overlay: a results message's detections drawn on a transparent canvas laid over the
// camera preview. The canvas takes the sent frame's size (the message's width × height, the pixels
// every coordinate is in) and the same CSS box and object-fit as the <video>, so the boxes line up
// with the preview whatever size the frames were sent at.

const COLOURS = ['#39ff14', '#ffcc00', '#00e5ff', '#ff4fd8', '#ff7a00'];

export class ResultsOverlay {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    this.colours = new Map(); // label -> its colour, in order of appearance
  }

  /** Draws this message's detections (and nothing else: the last message's are gone). */
  draw(results) {
    const { canvas, context } = this;
    if (results.width > 0 && results.height > 0 && (canvas.width !== results.width || canvas.height !== results.height)) {
      canvas.width = results.width;
      canvas.height = results.height;
    }
    context.clearRect(0, 0, canvas.width, canvas.height);
    // Lines a few pixels wide at any frame size: 320-wide frames get thinner strokes than 1280-wide ones.
    const line = Math.max(2, Math.round(canvas.width / 213));
    context.lineWidth = line;
    context.font = `${line * 6}px system-ui, sans-serif`;
    context.textBaseline = 'bottom';
    for (const detection of results.detections || []) {
      const colour = this.colour(detection.label || detection.op);
      context.strokeStyle = colour;
      context.fillStyle = colour;
      if (Array.isArray(detection.box)) {
        const [x, y, w, h] = detection.box;
        context.strokeRect(x, y, w, h);
        const score = typeof detection.score === 'number' ? ' ' + detection.score.toFixed(2) : '';
        context.fillText(`${detection.label || detection.op}${score}`, x, Math.max(line * 6, y - line));
      }
      for (const [x, y] of detection.keypoints || []) {
        context.beginPath();
        context.arc(x, y, line * 1.5, 0, 2 * Math.PI);
        context.fill();
      }
    }
  }

  clear() {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  colour(label) {
    if (!this.colours.has(label)) this.colours.set(label, COLOURS[this.colours.size % COLOURS.length]);
    return this.colours.get(label);
  }
}

/** "2 (face 2)", or "0": how many detections a results message holds, by label. */
export function countText(results) {
  const detections = results.detections || [];
  const byLabel = new Map();
  for (const detection of detections) {
    const label = detection.label || detection.op;
    byLabel.set(label, (byLabel.get(label) || 0) + 1);
  }
  const labels = [...byLabel].map(([label, n]) => `${label} ${n}`).join(', ');
  return labels ? `${detections.length} (${labels})` : String(detections.length);
}
