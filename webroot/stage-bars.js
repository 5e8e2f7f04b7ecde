// The page's "Where each frame's time goes": a stacked bar per recent frame (network, server
// queue, decode, ops, encode), from the frames the client library's stats events carry.

const KEEP = 40; // frames shown
const STAGES = [
  { name: 'network', color: '#8a8f98' },
  { name: 'queue', color: '#e0a030' },
  { name: 'decode', color: '#4a90d9' },
  { name: 'ops', color: '#5cb85c' },
  { name: 'encode', color: '#9b59b6' },
];

export class StageBars {
  constructor(canvas, legend) {
    this.canvas = canvas;
    this.legend = legend;
    this.bars = [];
  }

  add(frames) {
    this.bars.push(...frames);
    if (this.bars.length > KEEP) this.bars.splice(0, this.bars.length - KEEP);
  }

  render() {
    const { canvas, bars } = this;
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
    this.legend.textContent = STAGES.map((s) => `${s.name} ${last[s.name].toFixed(1)}`).join(' · ')
      + (last.opNames ? ` (${last.opNames})` : '') + ' ms';
  }
}
