import { Deadline, INVOCATION_CAP_MILLIS, invocationDeadline } from '../../lambda/deadline';

describe('invocationDeadline', () => {
  const START = 1_000;

  test.each<[string, unknown, number]>([
    ['Lambda with 5 s left (Create\'s timeout): the 4.5 s cap', { getRemainingTimeInMillis: () => 5000 }, 4500],
    ['Lambda with 60 s left: still the cap', { getRemainingTimeInMillis: () => 60_000 }, 4500],
    ['Lambda with 3 s left: 200 ms before Lambda\'s timeout', { getRemainingTimeInMillis: () => 3000 }, 2800],
    ['Lambda with 150 ms left: already due', { getRemainingTimeInMillis: () => 150 }, 0],
    ['no context: the cap', undefined, 4500],
    ['a context without getRemainingTimeInMillis: the cap', { functionName: 'create' }, 4500],
    ['a getRemainingTimeInMillis that answers junk: the cap', { getRemainingTimeInMillis: () => 'soon' }, 4500],
    ['a context that is not an object: the cap', 'context', 4500],
  ])('%s', (_name, context, millis) => {
    const deadline = invocationDeadline(context, START);

    expect(deadline.at).toBe(START + millis);
    expect(deadline.at - START).toBeLessThanOrEqual(INVOCATION_CAP_MILLIS);
  });
});

describe('Deadline', () => {
  test('remaining counts down to zero and never below', () => {
    const deadline = Deadline.after(500, 10_000);

    expect(deadline.remaining(10_000)).toBe(500);
    expect(deadline.remaining(10_499)).toBe(1);
    expect(deadline.remaining(10_500)).toBe(0);
    expect(deadline.remaining(99_999)).toBe(0);
  });

  test('a negative span is due at once', () => {
    expect(Deadline.after(-5, 10_000).at).toBe(10_000);
  });
});
