import { App, Stack } from 'aws-cdk-lib';
import * as cognito_ from 'aws-cdk-lib/aws-cognito';
import { CodeDelivery, CustomAuth, CustomAuthFlowOptions } from '../../src';
import { defaultFirstChallenge, deployedHandlers, recordingSink } from '../support/bundled-handlers';
import { answerWith, CHALLENGE_PARAMETER_KEYS, CognitoSimulator } from '../support/cognito-simulator';
import { localAwsForTestFile } from '../support/local-aws';

/**
 * End to end, offline, for custom auth attached to a pool the app already has: its own sign-in
 * aliases (a username, plus email and preferred username as aliases) and self sign-up on. The
 * handlers are the shipped bundles with the environment from the synthesized template, as in
 * sign-in.test.ts.
 */

const ALICE = {
  username: 'alice',
  password: 'Correct-horse-9!',
  attributes: { sub: 'a1', email: 'alice@example.com', email_verified: 'true', preferred_username: 'ally' },
};

const localAws = localAwsForTestFile();
const logged: string[] = [];
const sink = recordingSink(logged);

/** The app's own pool, as a team would have it, with CustomAuth attached; Cognito simulated with the pool's aliases. */
async function attachedPool(props: Partial<CustomAuthFlowOptions> = {}): Promise<CognitoSimulator> {
  const app = new App();
  const stack = new Stack(app, 'Existing', { env: { account: '123456789012', region: 'us-east-1' } });
  const userPool = new cognito_.UserPool(stack, 'Pool', {
    signInAliases: { username: true, email: true, preferredUsername: true },
    selfSignUpEnabled: true,
    autoVerify: { email: true },
    standardAttributes: { email: { required: true, mutable: true } },
    accountRecovery: cognito_.AccountRecovery.NONE,
  });
  const auth = new CustomAuth(stack, 'CustomAuth', {
    userPool,
    delivery: CodeDelivery.email({ fromAddress: 'Example <no-reply@example.com>' }),
    ...props,
  });
  return new CognitoSimulator(await deployedHandlers(auth, localAws(), sink), [ALICE], undefined, { aliases: ['email', 'preferred_username'] });
}

describe('custom auth attached to an existing pool, through the bundled handlers', () => {
  test.each(['alice', 'alice@example.com', 'ally'])('signs in by %s: one code to the verified email, then tokens', async (signInName) => {
    // GIVEN
    const cognito = await attachedPool();

    // WHEN
    const challenge = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: signInName });

    // THEN the challenge names the user's own username, whatever they signed in with
    expect(challenge.ChallengeParameters).toEqual(defaultFirstChallenge('alice', 'a***@e***'));
    expect(localAws().received.map((message) => message.to)).toEqual([['alice@example.com']]);
    const result = await answerWith(cognito, challenge, localAws().lastCodeSentTo('alice@example.com'));
    expect(result.AuthenticationResult?.IdToken).toBeDefined();
  });

  test('a user who signs up gets nothing until confirmed, then signs in with a code sent to the confirmed address', async () => {
    // GIVEN
    const cognito = await attachedPool();
    cognito.signUp('bob', 'Another-horse-7!', { email: 'bob@example.org', email_verified: 'true' });

    // WHEN / THEN before confirmation the email is no alias yet (Cognito uses only verified ones): the
    // challenge an unknown name gets, and nothing is sent
    const unconfirmed = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'bob@example.org' });
    expect(unconfirmed.ChallengeParameters).toMatchObject({ USERNAME: 'bob@example.org', deliveryMedium: 'EMAIL' });
    expect(localAws().received).toHaveLength(0);

    // WHEN confirmed by the code Cognito emailed at sign-up
    cognito.confirmSignUp('bob');
    const challenge = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'bob@example.org' });

    // THEN
    expect(challenge.ChallengeParameters).toMatchObject({ USERNAME: 'bob', destination: 'b***@e***' });
    const result = await answerWith(cognito, challenge, localAws().lastCodeSentTo('bob@example.org'));
    expect(result.AuthenticationResult).toBeDefined();
  });

  test('a signed-up user whose email is not verified gets the same challenge as anyone, no email, and cannot pass', async () => {
    // GIVEN a user confirmed by an administrator, with an address nobody has proved they own (anyone's, perhaps)
    const cognito = await attachedPool();
    const known = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice' });
    localAws().reset();
    cognito.signUp('carol', 'Third-horse-5!', { email: 'victim@example.org' });
    cognito.adminConfirmSignUp('carol');

    // WHEN
    const challenge = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'carol' });

    // THEN nothing reaches that address, and the challenge looks like every other one
    expect(localAws().received).toHaveLength(0);
    expect(Object.keys(challenge.ChallengeParameters!).sort()).toEqual(CHALLENGE_PARAMETER_KEYS);
    expect(challenge.ChallengeParameters).toMatchObject({ ...known.ChallengeParameters, USERNAME: 'carol', destination: 'v***@e***' });
    let step = await answerWith(cognito, challenge, '123456');
    step = await answerWith(cognito, step, '654321');
    await expect(answerWith(cognito, step, '000000')).rejects.toThrow('Incorrect username or password.');

    // WHEN the owner verifies the address, codes reach it
    cognito.verifyUserAttribute('carol', 'email');
    const verified = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'carol' });
    expect((await answerWith(cognito, verified, localAws().lastCodeSentTo('victim@example.org'))).AuthenticationResult).toBeDefined();
  });

  test('password first: the pool\'s own password, then the code', async () => {
    // GIVEN
    const cognito = await attachedPool({ passwordFirst: true });

    // WHEN
    const passwordStep = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'ally', CHALLENGE_NAME: 'SRP_A', SRP_A: 'abc' });
    const wrong = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice', CHALLENGE_NAME: 'SRP_A', SRP_A: 'abc' });
    await expect(cognito.respondToAuthChallenge('PASSWORD_VERIFIER', wrong.Session!, { USERNAME: 'alice', PASSWORD: 'wrong' }))
      .rejects.toThrow('Incorrect username or password.');
    expect(localAws().received).toHaveLength(0);
    const challenge = await cognito.respondToAuthChallenge('PASSWORD_VERIFIER', passwordStep.Session!, { USERNAME: 'alice', PASSWORD: ALICE.password });

    // THEN
    expect(challenge.ChallengeName).toBe('CUSTOM_CHALLENGE');
    const result = await answerWith(cognito, challenge, localAws().lastCodeSentTo('alice@example.com'));
    expect(result.AuthenticationResult).toBeDefined();
  });

  test('the handlers logged nothing secret', () => {
    expect(logged.length).toBeGreaterThan(10);
    const joined = logged.join('\n');
    expect(joined).not.toMatch(/\d{6}/);
    expect(joined).not.toMatch(/@/);
  });
});
