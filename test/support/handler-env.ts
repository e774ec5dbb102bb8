import { CODE_PLACEHOLDER, ENV } from '../../src/private/handler-contract';

/**
 * The environment the construct gives the Create (and Define) function for one email channel, as
 * plain strings: for tests and benchmarks that load a bundled handler directly.
 */
export function emailHandlerEnvironment(options: { challengeCount?: number; from?: string } = {}): Record<string, string> {
  const challengeCount = options.challengeCount ?? 1;
  return {
    [ENV.challengeCount]: String(challengeCount),
    [ENV.passwordFirst]: 'false',
    [ENV.maxAttempts]: '3',
    [ENV.codeLength]: '6',
    [ENV.codeValiditySeconds]: '300',
    [ENV.codeDelivery]: JSON.stringify({
      channels: [{ kind: 'email', from: options.from ?? 'no-reply@example.com', subject: 'Your sign-in code', body: `Your sign-in code is ${CODE_PLACEHOLDER}.` }],
      challenges: Array(10).fill(0),
    }),
  };
}
