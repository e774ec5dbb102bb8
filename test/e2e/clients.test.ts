import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { App, Stack } from 'aws-cdk-lib';
import { codeChallengeOf, configureAuth, signInWithCodes as amplifySignInWithCodes, type CodeChallenge } from '../../examples/clients/amplify-custom-auth';
import { signInWithCodes as sdkSignInWithCodes, type ChallengeParameters } from '../../examples/clients/sdk-custom-auth';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../../src';
import { RunningCommand, startLocalCommand, synthesizeToTemp } from '../support/local-command';
import { rememberSecrets } from '../support/log-capture';

/**
 * The client examples in examples/clients/, run as written against `cdk-cognito-custom-auth local`
 * (the bundled command, a child process) serving an app with one stack per configuration.
 */

const ALICE = { username: 'alice@example.com', password: 'Correct-horse-9!', attributes: { email_verified: 'true' } };
const PUBLIC_KEYS = ['attemptsRemaining', 'challengeCount', 'challengeNumber', 'codeLength', 'deliveryMedium', 'destination'];
const CONFIGURATIONS: Record<string, Partial<CustomAuthUserPoolProps>> = {
  TwoCodes: { challengeCount: 2 },
  TwoAttempts: { maxAttempts: 2 },
};

let local: RunningCommand;
beforeAll(async () => {
  local = await startLocalCommand(synthesizeToTemp((outdir) => {
    const app = new App({ outdir });
    for (const [name, props] of Object.entries(CONFIGURATIONS)) {
      new CustomAuthUserPool(new Stack(app, name, { env: { account: '123456789012', region: 'us-east-1' } }), 'Auth', {
        delivery: CodeDelivery.email({ fromAddress: 'Example <no-reply@example.com>' }),
        ...props,
      });
    }
    return app;
  }), [ALICE]);
}, 60_000);
afterAll(() => local?.stopAndRemove());

/** What a test did: the API actions and the messages since `since()` was called. */
async function since(): Promise<() => Promise<{ actions: string[]; messages: number }>> {
  const [actions, messages] = [(await local.actions()).length, (await local.messages()).length];
  return async () => ({ actions: (await local.actions()).slice(actions), messages: (await local.messages()).length - messages });
}

function wrong(code: string): string {
  return code.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
}

describe('AWS SDK v3 client (examples/clients/sdk-custom-auth.ts)', () => {
  const sdkClient = () => new CognitoIdentityProviderClient({ endpoint: local.endpoint, region: 'us-east-1' });

  test('signs in with two emailed codes, retrying a mistyped one', async () => {
    // GIVEN
    const done = await since();
    const seen: ChallengeParameters[] = [];
    let mistyped = false;

    // WHEN
    const tokens = await sdkSignInWithCodes(sdkClient(), local.pool('TwoCodes').userPoolClientId, 'alice@example.com', async (challenge) => {
      seen.push(challenge);
      const code = await local.lastCodeSentTo('alice@example.com');
      if (!mistyped) {
        mistyped = true;
        return wrong(code);
      }
      return code;
    });

    rememberSecrets(tokens.IdToken, tokens.AccessToken, tokens.RefreshToken);

    // THEN
    expect(tokens.IdToken).toBeDefined();
    expect(seen.map((p) => [p.challengeNumber, p.attemptsRemaining])).toEqual([['1', '3'], ['1', '2'], ['2', '3']]);
    for (const parameters of seen) {
      expect(Object.keys(parameters)).toEqual(expect.arrayContaining(PUBLIC_KEYS));
      expect(parameters).toMatchObject({ deliveryMedium: 'EMAIL', destination: 'a***@e***', challengeCount: '2', codeLength: '6' });
    }
    expect(await done()).toEqual({ messages: 2, actions: ['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge', 'RespondToAuthChallenge'] });
  });

  test('an unknown user gets the same challenge and fails with NotAuthorizedException', async () => {
    // GIVEN
    const done = await since();
    const seen: ChallengeParameters[] = [];

    // WHEN
    const signIn = sdkSignInWithCodes(sdkClient(), local.pool('TwoAttempts').userPoolClientId, 'mallory@example.com', async (challenge) => {
      seen.push(challenge);
      return '123456';
    });

    // THEN
    await expect(signIn).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(Object.keys(seen[0]).sort()).toEqual(['USERNAME', ...PUBLIC_KEYS].sort());
    expect(seen.map((p) => p.attemptsRemaining)).toEqual(['2', '1']);
    expect((await done()).messages).toBe(0);
  });
});

describe('Amplify JS v6 client (examples/clients/amplify-custom-auth.ts)', () => {
  test('passwordless (CUSTOM_WITHOUT_SRP): confirmSignIn per challenge with nextStep.additionalInfo', async () => {
    // GIVEN
    const pool = local.pool('TwoCodes');
    const done = await since();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    configureAuth(pool.userPoolId, pool.userPoolClientId, local.endpoint);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/custom Amazon .*Cognito User Pool endpoint/));
    const seen: CodeChallenge[] = [];

    // WHEN
    await amplifySignInWithCodes('alice@example.com', async (challenge) => {
      seen.push(challenge);
      const code = await local.lastCodeSentTo('alice@example.com');
      return seen.length === 2 ? wrong(code) : code;
    });

    // THEN
    const challenge = { deliveryMedium: 'EMAIL', destination: 'a***@e***', challengeCount: 2, codeLength: 6 };
    expect(seen).toEqual([
      { ...challenge, challengeNumber: 1, attemptsRemaining: 3 },
      { ...challenge, challengeNumber: 2, attemptsRemaining: 3 },
      { ...challenge, challengeNumber: 2, attemptsRemaining: 2 },
    ]);
    expect(await done()).toEqual({ messages: 2, actions: ['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge', 'RespondToAuthChallenge'] });
  });

  test('codeChallengeOf ignores other sign-in steps', () => {
    expect(codeChallengeOf({ isSignedIn: true, nextStep: { signInStep: 'DONE' } })).toBeUndefined();
  });
});
