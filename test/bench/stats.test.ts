import { describe as describeSummary, kilobytes, medianDifference, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  test.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 1000, 10], 10],
  ])('the median of %j is %d', (values, median) => {
    expect(summarize(values).median).toBe(median);
  });

  test('a summary keeps the extremes and the count, and leaves its input unsorted', () => {
    // GIVEN
    const values = [3, 9, 1];

    // WHEN
    const summary = summarize(values);

    // THEN
    expect(summary).toEqual({ median: 3, min: 1, max: 9, count: 3 });
    expect(values).toEqual([3, 9, 1]);
  });

  test('summarizing nothing is an error, not a NaN in the output', () => {
    expect(() => summarize([])).toThrow(/no measurements/);
  });

  test('the paired difference is the median of the differences, not the difference of the medians', () => {
    // GIVEN a slow round that hits both processes alike
    const handler = [12, 13, 50];
    const bare = [10, 10, 48];

    // THEN
    expect(medianDifference(handler, bare)).toBe(2);
    expect(summarize(handler).median - summarize(bare).median).toBe(3);
  });

  test('runs that cannot be paired are an error', () => {
    expect(() => medianDifference([1, 2], [1])).toThrow(/cannot pair 2 with 1/);
  });

  test('formats a summary and sizes for the printout', () => {
    expect(describeSummary({ median: 1.25, min: 1, max: 2, count: 3 }, 'ms')).toBe('1.3 ms (min 1.0, max 2.0)');
    expect(kilobytes(21082)).toBe('20.6 KB');
    expect(kilobytes(3 * 1024 * 1024)).toBe('3.00 MB');
  });
});
