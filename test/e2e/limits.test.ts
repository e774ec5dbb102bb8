import { App, Stack } from 'aws-cdk-lib';
import { CodeDelivery, CrossSessionLimits, CustomAuthUserPool } from '../../src';
import { deployedHandlers, recordingSink } from '../support/bundled-handlers';
import { answerWith, CognitoSimulator, SimulatedUser } from '../support/cognito-simulator';
import { localAwsForTestFile } from '../support/local-aws';

/**
 * Cross-session limits end to end, offline: a synthesized CustomAuthUserPool's bundled handlers,
 * with the environment from its template, counting in a real local DynamoDB (dynalite) and sending
 * through LocalAws, driven through Cognito's documented loop.
 */

const REJECTED = 'UserLambdaValidationException: CreateAuthChallenge failed with error Sign-in could not continue.';

function userWith(username: string): SimulatedUser {
  return {
    username,
    password: 'Correct-horse-9!',
    attributes: { sub: `sub-${username}`, email: username, email_verified: 'true' },
  };
}
const ALICE = userWith('alice@example.com');
const BOB = userWith('bob@example.com');
const UNKNOWN = 'mallory@example.com';

const localAws = localAwsForTestFile();
const logged: string[] = [];
const sink = recordingSink(logged);

async function cognitoWith(crossSessionLimits?: CrossSessionLimits) {
  const app = new App();
  const stack = new Stack(app, 'Limits', { env: { account: '123456789012', region: 'us-east-1' } });
  const pool = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
    crossSessionLimits,
  });
  // deployedHandlers creates the limits table in local DynamoDB and returns once it is ACTIVE.
  const cognito = new CognitoSimulator(await deployedHandlers(pool, localAws(), sink), [ALICE, BOB]);
  return { cognito, pool };
}

/** Starts `times` sign-ins one after the other: each the challenge name, or the error's message. */
async function signInStarts(cognito: CognitoSimulator, username: string, times: number): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < times; i++) {
    try {
      const step = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: username });
      outcomes.push(step.ChallengeName ?? 'no challenge');
    } catch (error) {
      outcomes.push((error as Error).message);
    }
  }
  return outcomes;
}

const emailsTo = (address: string): number => localAws().received.filter((message) => message.to.includes(address)).length;

function wrongCodeFor(code: string): string {
  return code.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
}

describe('cross-session limits through the bundled handlers', () => {
  test('maxCodes 2: the third sign-in in the window is rejected and no third email is sent', async () => {
    // GIVEN
    const { cognito } = await cognitoWith({ maxCodes: 2 });

    // WHEN
    const outcomes = await signInStarts(cognito, ALICE.username, 3);

    // THEN
    expect(outcomes).toEqual(['CUSTOM_CHALLENGE', 'CUSTOM_CHALLENGE', REJECTED]);
    expect(localAws().received).toHaveLength(2);
    expect(emailsTo(ALICE.username)).toBe(2);
  });

  test('maxCodes 2: an unknown username is rejected at the same sign-in, with the same error', async () => {
    // GIVEN
    const { cognito } = await cognitoWith({ maxCodes: 2 });

    // WHEN
    const outcomes = await signInStarts(cognito, UNKNOWN, 3);

    // THEN
    expect(outcomes).toEqual(['CUSTOM_CHALLENGE', 'CUSTOM_CHALLENGE', REJECTED]);
    expect(localAws().received).toHaveLength(0);
  });

  test('maxCodes 2: another user is unaffected by a user whose budget is spent', async () => {
    // GIVEN alice's budget spent
    const { cognito } = await cognitoWith({ maxCodes: 2 });
    expect(await signInStarts(cognito, ALICE.username, 3)).toEqual(['CUSTOM_CHALLENGE', 'CUSTOM_CHALLENGE', REJECTED]);

    // WHEN
    const bob = await signInStarts(cognito, BOB.username, 3);

    // THEN bob has two sign-ins of his own, and the right code still signs him in
    expect(bob).toEqual(['CUSTOM_CHALLENGE', 'CUSTOM_CHALLENGE', REJECTED]);
    expect(emailsTo(BOB.username)).toBe(2);
    expect(emailsTo(ALICE.username)).toBe(2);
  });

  test('a user within the budget still signs in with the emailed code', async () => {
    // GIVEN one of two codes used
    const { cognito } = await cognitoWith({ maxCodes: 2 });
    await signInStarts(cognito, ALICE.username, 1);

    // WHEN
    const step = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: ALICE.username });
    const result = await answerWith(cognito, step, localAws().lastCodeSentTo(ALICE.username));

    // THEN
    expect(result.AuthenticationResult?.IdToken).toBeDefined();
    expect(await signInStarts(cognito, ALICE.username, 1)).toEqual([REJECTED]);
  });

  test('maxWrongAnswers 1: the first wrong answer gets a retry, the second (in a new sign-in) is rejected', async () => {
    // GIVEN
    const { cognito } = await cognitoWith({ maxWrongAnswers: 1 });
    const first = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: ALICE.username });
    const firstCode = localAws().lastCodeSentTo(ALICE.username);

    // WHEN a wrong answer, then a new sign-in with another wrong answer
    const retry = await answerWith(cognito, first, wrongCodeFor(firstCode));
    const second = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: ALICE.username });
    const secondCode = localAws().lastCodeSentTo(ALICE.username);
    const rejected = answerWith(cognito, second, wrongCodeFor(secondCode));

    // THEN
    expect(retry.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(retry.ChallengeParameters?.attemptsRemaining).toBe('2');
    await expect(rejected).rejects.toThrow(REJECTED);
    expect(localAws().received).toHaveLength(2);
  });

  test('enabled false: no table and no limit, eleven sign-ins send eleven emails', async () => {
    // GIVEN
    const { cognito, pool } = await cognitoWith({ enabled: false });

    // WHEN
    const outcomes = await signInStarts(cognito, ALICE.username, 11);

    // THEN
    expect(pool.limitsTable).toBeUndefined();
    expect(outcomes).toEqual(Array(11).fill('CUSTOM_CHALLENGE'));
    expect(emailsTo(ALICE.username)).toBe(11);
  });

  test('the default is on: ten sign-ins, then the eleventh is rejected', async () => {
    // GIVEN
    const { cognito, pool } = await cognitoWith();

    // WHEN
    const outcomes = await signInStarts(cognito, ALICE.username, 11);

    // THEN
    expect(pool.limitsTable).toBeDefined();
    expect(outcomes).toEqual([...Array(10).fill('CUSTOM_CHALLENGE'), REJECTED]);
    expect(emailsTo(ALICE.username)).toBe(10);
  });

  test('no log line names a user', () => {
    expect(logged.length).toBeGreaterThan(0);
    for (const part of ['alice', 'bob', 'mallory', 'example.com']) {
      expect(logged.join('\n')).not.toContain(part);
    }
  });
});
