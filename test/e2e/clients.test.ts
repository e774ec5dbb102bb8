import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { App, Stack } from 'aws-cdk-lib';
import { codeChallengeOf, configureAuth, signInWithCodes as amplifySignInWithCodes, type CodeChallenge } from '../../examples/clients/amplify-custom-auth';
import { signInWithCodes as sdkSignInWithCodes, type ChallengeParameters } from '../../examples/clients/sdk-custom-auth';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../../src';
import { deployedHandlers } from '../support/bundled-handlers';
import { CognitoSimulator } from '../support/cognito-simulator';
import { LocalAws } from '../support/local-aws';
import { LocalCognito } from '../support/local-cognito';

/**
 * The client examples in examples/clients/, run as written against a local Cognito API endpoint in
 * front of the simulated loop and the bundled handlers (SES answered locally).
 */

const ALICE = { username: 'alice@example.com', password: 'Correct-horse-9!', attributes: { sub: 'a1', email: 'alice@example.com', email_verified: 'true' } };
const PUBLIC_KEYS = ['attemptsRemaining', 'challengeCount', 'challengeNumber', 'codeLength', 'deliveryMedium', 'destination'];
const quiet = { info: () => undefined, error: () => undefined, warn: () => undefined, log: () => undefined, debug: () => undefined };

let ses: LocalAws;
let cognito: LocalCognito | undefined;
beforeAll(async () => {
  ses = await LocalAws.start();
});
afterAll(() => ses.stop());
beforeEach(() => ses.reset());
afterEach(async () => {
  await cognito?.stop();
  cognito = undefined;
});

async function localCognitoWith(props: Partial<CustomAuthUserPoolProps>): Promise<LocalCognito> {
  const app = new App();
  const stack = new Stack(app, 'Clients', { env: { account: '123456789012', region: 'us-east-1' } });
  const pool = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'Example <no-reply@example.com>' }),
    ...props,
  });
  cognito = await LocalCognito.start(new CognitoSimulator(await deployedHandlers(pool, ses, quiet), [ALICE]));
  return cognito;
}

function wrong(code: string): string {
  return code.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
}

describe('AWS SDK v3 client (examples/clients/sdk-custom-auth.ts)', () => {
  const sdkClient = (endpoint: string) => new CognitoIdentityProviderClient({ endpoint, region: 'us-east-1' });

  test('signs in with two emailed codes, retrying a mistyped one', async () => {
    // GIVEN
    const local = await localCognitoWith({ challengeCount: 2 });
    const seen: ChallengeParameters[] = [];
    let mistyped = false;

    // WHEN
    const tokens = await sdkSignInWithCodes(sdkClient(local.endpoint), 'client-id', 'alice@example.com', async (challenge) => {
      seen.push(challenge);
      const code = ses.lastCodeSentTo('alice@example.com');
      if (!mistyped) {
        mistyped = true;
        return wrong(code);
      }
      return code;
    });

    // THEN
    expect(tokens.IdToken).toBeDefined();
    expect(seen.map((p) => [p.challengeNumber, p.attemptsRemaining])).toEqual([['1', '3'], ['1', '2'], ['2', '3']]);
    for (const parameters of seen) {
      expect(Object.keys(parameters)).toEqual(expect.arrayContaining(PUBLIC_KEYS));
      expect(parameters).toMatchObject({ deliveryMedium: 'EMAIL', destination: 'a***@e***', challengeCount: '2', codeLength: '6' });
    }
    expect(ses.received).toHaveLength(2);
    expect(local.calls).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
  });

  test('an unknown user gets the same challenge and fails with NotAuthorizedException', async () => {
    // GIVEN
    const local = await localCognitoWith({ maxAttempts: 2 });
    const seen: ChallengeParameters[] = [];

    // WHEN
    const signIn = sdkSignInWithCodes(sdkClient(local.endpoint), 'client-id', 'mallory@example.com', async (challenge) => {
      seen.push(challenge);
      return '123456';
    });

    // THEN
    await expect(signIn).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(Object.keys(seen[0]).sort()).toEqual(['USERNAME', ...PUBLIC_KEYS].sort());
    expect(seen.map((p) => p.attemptsRemaining)).toEqual(['2', '1']);
    expect(ses.received).toHaveLength(0);
  });
});

describe('Amplify JS v6 client (examples/clients/amplify-custom-auth.ts)', () => {
  test('passwordless (CUSTOM_WITHOUT_SRP): confirmSignIn per challenge with nextStep.additionalInfo', async () => {
    // GIVEN
    const local = await localCognitoWith({ challengeCount: 2 });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    configureAuth('us-east-1_SIMULATED', 'client-id', local.endpoint);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/custom Amazon .*Cognito User Pool endpoint/));
    const seen: CodeChallenge[] = [];

    // WHEN
    await amplifySignInWithCodes('alice@example.com', async (challenge) => {
      seen.push(challenge);
      const code = ses.lastCodeSentTo('alice@example.com');
      return seen.length === 2 ? wrong(code) : code;
    });

    // THEN
    const challenge = { deliveryMedium: 'EMAIL', destination: 'a***@e***', challengeCount: 2, codeLength: 6 };
    expect(seen).toEqual([
      { ...challenge, challengeNumber: 1, attemptsRemaining: 3 },
      { ...challenge, challengeNumber: 2, attemptsRemaining: 3 },
      { ...challenge, challengeNumber: 2, attemptsRemaining: 2 },
    ]);
    expect(local.calls).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
    expect(ses.received).toHaveLength(2);
  });

  test('codeChallengeOf ignores other sign-in steps', () => {
    expect(codeChallengeOf({ isSignedIn: true, nextStep: { signInStep: 'DONE' } })).toBeUndefined();
  });
});
