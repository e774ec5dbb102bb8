import { logEvent, LogFields } from '../../lambda/log';

afterEach(() => {
  jest.restoreAllMocks();
});

describe('logEvent', () => {
  test.each([
    { level: 'info' as const, stream: 'info' as const },
    { level: 'error' as const, stream: 'error' as const },
  ])('writes one JSON line at level $level', ({ level, stream }) => {
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    logEvent(level, { trigger: 'create', outcome: 'code issued', challengeNumber: 2, wrongAnswers: 1 });

    const written = stream === 'info' ? info : error;
    const silent = stream === 'info' ? error : info;
    expect(written).toHaveBeenCalledTimes(1);
    expect(silent).not.toHaveBeenCalled();
    expect(JSON.parse(written.mock.calls[0][0] as string)).toEqual({ trigger: 'create', outcome: 'code issued', challengeNumber: 2, wrongAnswers: 1 });
  });

  test('writes only the allow-listed fields, whatever else the object carries', () => {
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const fields = {
      trigger: 'verify',
      outcome: 'wrong',
      challengeAnswer: '482915',
      email: 'jane.doe@example.com',
      privateChallengeParameters: { salt: 'a'.repeat(32), digest: 'b'.repeat(64) },
    } as LogFields;

    logEvent('info', fields);

    const [line] = info.mock.calls[0] as [string];
    expect(JSON.parse(line)).toEqual({ trigger: 'verify', outcome: 'wrong' });
    expect(line).not.toMatch(/482915|jane|aaaa|bbbb/);
  });
});
