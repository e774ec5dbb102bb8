/** Order statistics of repeated measurements: robust against the noise of a shared machine. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) {
    throw new Error('no measurements to summarize');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], count: sorted.length };
}

/** Median of the pairwise differences a[i] - b[i] (runs interleaved, so drift cancels out). */
export function medianDifference(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    throw new Error(`cannot pair ${a.length} with ${b.length} measurements`);
  }
  return summarize(a.map((value, i) => value - b[i])).median;
}

export function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}

/** `12.3 ms (min 11.0, max 19.8)` */
export function describe(summary: Summary, unit: string, digits = 1): string {
  return `${fixed(summary.median, digits)} ${unit} (min ${fixed(summary.min, digits)}, max ${fixed(summary.max, digits)})`;
}

export function kilobytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}
