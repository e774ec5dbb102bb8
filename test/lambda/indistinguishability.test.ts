import { App, Stack } from 'aws-cdk-lib';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../../src';
import { deployedHandlers } from '../support/bundled-handlers';
import { AuthResult, CognitoError, CognitoSimulator, SimulatedUser } from '../support/cognito-simulator';
import { LocalAws } from '../support/local-aws';

/**
 * Unknown-user indistinguishability, as a caller sees it: for a known user, a known user without a
 * verified address, and unknown users, the challenge parameters Cognito returns have the same keys,
 * each value in the same format (one regex per key), the same values wherever they do not depend on
 * the username, and the sign-in fails at the same step with the same error. Runs the handlers as
 * deployed (bundled assets and environment of a synthesized pool) through the Cognito loop simulator.
 * Timing is measured separately: `npx projen bench:indistinguishability`.
 */

const KNOWN: SimulatedUser = {
  username: 'known.user@example.com',
  password: 'Correct-horse-9!',
  attributes: { sub: 'k1', email: 'known.user@example.com', email_verified: 'true' },
};
const UNVERIFIED: SimulatedUser = {
  username: 'unverified@example.org',
  password: 'Correct-horse-9!',
  attributes: { sub: 'u1', email: 'unverified@example.org', email_verified: 'false' },
};
const UNKNOWN_NAMES = ['nobody.here@example.net', 'x@y.io', 'NoSuchUser@Example.COM', 'not-an-address'];

/** One regex per public challenge parameter: what any caller may see, known user or not. */
const FORMATS: Record<string, RegExp> = {
  USERNAME: /^.{1,128}$/,
  deliveryMedium: /^EMAIL$/,
  destination: /^[a-z0-9]\*\*\*@[a-z0-9]\*\*\*$/,
  challengeNumber: /^([1-9]|10)$/,
  challengeCount: /^([1-9]|10)$/,
  attemptsRemaining: /^([1-9]|10)$/,
  codeLength: /^([6-9]|10)$/,
};
/** The parameters whose values depend on the username; every other value must be equal for all callers. */
const PER_USER = ['USERNAME', 'destination'];

let ses: LocalAws;
beforeAll(async () => {
  ses = await LocalAws.start();
});
afterAll(() => ses.stop());
beforeEach(() => ses.reset());

async function cognitoWith(props: Partial<CustomAuthUserPoolProps>): Promise<CognitoSimulator> {
  const app = new App();
  const stack = new Stack(app, 'Indistinguishability', { env: { account: '123456789012', region: 'us-east-1' } });
  const pool = new CustomAuthUserPool(stack, 'Auth', { delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), ...props });
  const quiet = { info: () => undefined, error: () => undefined, warn: console.warn, log: () => undefined, debug: () => undefined };
  return new CognitoSimulator(await deployedHandlers(pool, ses, quiet), [KNOWN, UNVERIFIED]);
}

/** What one caller saw: the challenge parameters of each step, then how the sign-in ended. */
interface Transcript {
  readonly steps: Array<Record<string, string>>;
  readonly ending: string;
}

/**
 * Starts a sign-in, then answers every challenge wrong until it ends. With passwordFirst the caller
 * does not know the password (an attacker probing names does not): known and unknown users alike
 * must fail at the password step, before any code is sent.
 */
async function signInWithWrongCodes(cognito: CognitoSimulator, username: string, passwordFirst: boolean): Promise<Transcript> {
  const steps: Array<Record<string, string>> = [];
  try {
    let step: AuthResult;
    if (passwordFirst) {
      step = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: username, CHALLENGE_NAME: 'SRP_A', SRP_A: 'a' });
      step = await cognito.respondToAuthChallenge('PASSWORD_VERIFIER', step.Session!, { USERNAME: username, PASSWORD: 'Guessed-password-1!' });
    } else {
      step = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: username });
    }
    for (let round = 0; round < 20 && step.ChallengeName === 'CUSTOM_CHALLENGE'; round++) {
      steps.push(step.ChallengeParameters!);
      step = await cognito.respondToAuthChallenge('CUSTOM_CHALLENGE', step.Session!, { USERNAME: username, ANSWER: '0'.repeat(Number(step.ChallengeParameters!.codeLength)) });
    }
    return { steps, ending: `no error: ${JSON.stringify(step)}` };
  } catch (error) {
    return { steps, ending: error instanceof CognitoError ? error.message : `unexpected ${String(error)}` };
  }
}

describe('a known and an unknown user look the same to the caller', () => {
  test.each<[string, Partial<CustomAuthUserPoolProps>]>([
    ['passwordless, defaults', {}],
    ['passwordless, 3 challenges, 5 attempts, 8 digits', { challengeCount: 3, maxAttempts: 5, codeLength: 8 }],
    ['passwordless, 2 challenges, 1 attempt', { challengeCount: 2, maxAttempts: 1 }],
    ['password first (the caller does not know the password)', { passwordFirst: true, challengeCount: 2 }],
  ])('%s', async (_name, props) => {
    // GIVEN
    const cognito = await cognitoWith(props);
    const passwordFirst = props.passwordFirst ?? false;

    // WHEN each caller answers wrong until the sign-in ends
    const known = await signInWithWrongCodes(cognito, KNOWN.username, passwordFirst);
    const sent = ses.received.length;
    const others = [UNVERIFIED.username, ...UNKNOWN_NAMES];
    const transcripts = await Promise.all(others.map((username) => signInWithWrongCodes(cognito, username, passwordFirst)));

    // THEN the known user got an email (passwordless) and the others none
    expect(sent).toBe(passwordFirst ? 0 : 1);
    expect(ses.received).toHaveLength(sent);

    // AND every caller saw as many steps, with the same keys, each in its format, the same values
    // except the username's own, and the same ending
    expect(known.steps.length).toBe(passwordFirst ? 0 : props.maxAttempts ?? 3);
    expect(known.ending).toBe('NotAuthorizedException: Incorrect username or password.');
    for (const [i, transcript] of transcripts.entries()) {
      const who = others[i];
      expect({ who, ending: transcript.ending, steps: transcript.steps.length }).toEqual({ who, ending: known.ending, steps: known.steps.length });
      for (const [n, parameters] of transcript.steps.entries()) {
        expect(Object.keys(parameters).sort()).toEqual(Object.keys(FORMATS).sort());
        expect(Object.keys(known.steps[n]).sort()).toEqual(Object.keys(FORMATS).sort());
        for (const [key, format] of Object.entries(FORMATS)) {
          const knownValue = known.steps[n][key];
          expect({ who, key, value: parameters[key] }).toEqual({ who, key, value: expect.stringMatching(format) });
          expect({ who: 'the known user', key, value: knownValue }).toEqual({ who: 'the known user', key, value: expect.stringMatching(format) });
          if (!PER_USER.includes(key)) {
            expect({ who, key, value: parameters[key] }).toEqual({ who, key, value: knownValue });
          }
        }
        // The destination is stable for one username across steps (it is derived, not random).
        expect(parameters.destination).toBe(transcript.steps[0].destination);
      }
    }
  });

  test('the masked destination does not reveal whether the address is real', async () => {
    // GIVEN a known user and an unknown one whose addresses mask alike
    const cognito = await cognitoWith({});

    // WHEN
    const known = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'known.user@example.com' });
    const unknown = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'kate.unknown@example.com' });

    // THEN
    expect(known.ChallengeParameters!.destination).toBe('k***@e***');
    expect(unknown.ChallengeParameters!.destination).toBe('k***@e***');
  });
});
