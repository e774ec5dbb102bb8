/**
 * Signing in to a passwordless CustomAuthUserPool with the AWS SDK for JavaScript v3 directly:
 * InitiateAuth with CUSTOM_AUTH, then RespondToAuthChallenge once per code, until Cognito returns tokens.
 *
 *   USER_POOL_CLIENT_ID=... AWS_REGION=eu-west-1 npx ts-node examples/clients/sdk-custom-auth.ts alice@example.com
 *
 * InitiateAuth and RespondToAuthChallenge are public APIs: no AWS credentials are needed.
 * Type-checked against @aws-sdk/client-cognito-identity-provider in this repository's build, and run
 * end to end against `cdk-cognito-custom-auth local` by test/e2e/clients.test.ts.
 */
import { createInterface } from 'node:readline/promises';
import {
  AuthenticationResultType,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** The public challenge parameters: deliveryMedium, destination, challengeNumber, challengeCount, attemptsRemaining, codeLength. */
export type ChallengeParameters = Record<string, string>;

/** Asks the user for the code of one challenge. */
export type AskForCode = (challenge: ChallengeParameters) => Promise<string>;

/**
 * Signs `username` in with emailed codes and returns the tokens. A wrong code returns the same
 * challenge with one attempt fewer; the last wrong attempt throws NotAuthorizedException.
 */
export async function signInWithCodes(
  cognito: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
  askForCode: AskForCode,
): Promise<AuthenticationResultType> {
  let step = await cognito.send(new InitiateAuthCommand({
    ClientId: clientId,
    AuthFlow: 'CUSTOM_AUTH',
    AuthParameters: { USERNAME: username },
  }));
  while (!step.AuthenticationResult) {
    if (step.ChallengeName !== 'CUSTOM_CHALLENGE' || !step.Session) {
      throw new Error(`Unexpected challenge ${step.ChallengeName}`);
    }
    const parameters: ChallengeParameters = step.ChallengeParameters ?? {};
    const answer = await askForCode(parameters);
    step = await cognito.send(new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: step.Session,
      // Cognito's own USERNAME for the user (the sign-in alias works too).
      ChallengeResponses: { USERNAME: parameters.USERNAME ?? username, ANSWER: answer },
    }));
  }
  return step.AuthenticationResult;
}

async function main(): Promise<void> {
  const clientId = process.env.USER_POOL_CLIENT_ID;
  const username = process.argv[2];
  if (!clientId || !username) {
    throw new Error('Usage: USER_POOL_CLIENT_ID=<app client id> AWS_REGION=<region> sdk-custom-auth.ts <username>');
  }
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const tokens = await signInWithCodes(new CognitoIdentityProviderClient({}), clientId, username, (challenge) =>
      terminal.question(`Code ${challenge.challengeNumber} of ${challenge.challengeCount} `
        + `(${challenge.codeLength} digits, sent by ${challenge.deliveryMedium} to ${challenge.destination}, `
        + `${challenge.attemptsRemaining} attempts left): `));
    console.log(`Signed in: ID token of ${tokens.IdToken?.length ?? 0} characters, expires in ${tokens.ExpiresIn} s.`);
  } finally {
    terminal.close();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`Sign-in failed: ${error.name}: ${error.message}`);
    process.exitCode = 1;
  });
}
