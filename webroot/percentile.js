// The library's and the page's one percentile: nearest rank, the smallest sample with at least p
// of the samples at or below it (docs/ADAPTIVE.md; Java's AdaptiveController uses the same).

/** The p-th (0-1) nearest-rank percentile of already sorted values. */
export function nearestRank(sorted, p) {
  const index = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
}

/** The p-th (0-1) nearest-rank percentile of values in any order, or null when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  return nearestRank([...values].sort((a, b) => a - b), p);
}

/** The last `capacity` samples of something, and their percentiles. */
export class RecentSamples {
  constructor(capacity = 200) {
    this.capacity = capacity;
    this.values = [];
  }

  add(value) {
    this.values.push(value);
    if (this.values.length > this.capacity) this.values.shift();
  }

  percentile(p) {
    return percentile(this.values, p);
  }

  get size() {
    return this.values.length;
  }
}
