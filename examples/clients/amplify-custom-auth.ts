/**
 * Signing in to a CustomAuthUserPool from a browser or React Native app with Amplify JS v6.
 *
 * Amplify runs Cognito's custom authentication flow for you: `signIn` starts it, and each custom
 * challenge (one emailed code) is answered with `confirmSignIn({ challengeResponse })`. The public
 * challenge parameters that the Create Auth Challenge trigger returns (where the code went, which
 * challenge of how many, attempts left, code length) arrive in `nextStep.additionalInfo`.
 *
 * Type-checked against aws-amplify in this repository's build (as a browser app compiles it), and run
 * end to end (both flows) against `cdk-cognito-custom-auth local` by test/e2e/clients.test.ts and
 * test/e2e/local-command.test.ts. Copy it into your app.
 */
import { Amplify } from 'aws-amplify';
import { confirmSignIn, signIn, type ConfirmSignInOutput, type SignInOutput } from 'aws-amplify/auth';

/** One code challenge, as the construct describes it to clients (the same for every user, known or not). */
export interface CodeChallenge {
  /** Where the code went: `EMAIL`. */
  readonly deliveryMedium: string;
  /** The masked address, e.g. `a***@e***`. */
  readonly destination: string;
  /** Which challenge this is (1-based) ... */
  readonly challengeNumber: number;
  /** ... of how many (the construct's `challengeCount`). */
  readonly challengeCount: number;
  /** Answers left for this code before the sign-in fails. */
  readonly attemptsRemaining: number;
  /** Digits to ask for. */
  readonly codeLength: number;
}

/** Asks the user for the code of one challenge: wire this to your UI. */
export type AskForCode = (challenge: CodeChallenge) => Promise<string>;

/**
 * Point Amplify at the pool: the stack outputs `auth.userPool.userPoolId` and
 * `auth.userPoolClient.userPoolClientId`. `userPoolEndpoint` overrides Cognito's regional endpoint
 * (a proxy, or `npx cdk-cognito-custom-auth local`).
 */
export function configureAuth(userPoolId: string, userPoolClientId: string, userPoolEndpoint?: string): void {
  Amplify.configure({ Auth: { Cognito: { userPoolId, userPoolClientId, ...(userPoolEndpoint ? { userPoolEndpoint } : {}) } } });
}

/** The code challenge of a sign-in step, or undefined when the step is something else. */
export function codeChallengeOf(step: SignInOutput | ConfirmSignInOutput): CodeChallenge | undefined {
  const { nextStep } = step;
  if (nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE') {
    return undefined;
  }
  const info = nextStep.additionalInfo ?? {};
  return {
    deliveryMedium: info.deliveryMedium ?? 'EMAIL',
    destination: info.destination ?? '',
    challengeNumber: Number(info.challengeNumber ?? 1),
    challengeCount: Number(info.challengeCount ?? 1),
    attemptsRemaining: Number(info.attemptsRemaining ?? 0),
    codeLength: Number(info.codeLength ?? 6),
  };
}

/**
 * Answers custom challenges until the user is signed in. A wrong code returns the same challenge
 * with one attempt fewer; the last wrong attempt, or an expired session, makes `confirmSignIn`
 * throw (NotAuthorizedException): start again with `signIn`.
 */
async function answerCodeChallenges(first: SignInOutput, askForCode: AskForCode): Promise<void> {
  let step: SignInOutput | ConfirmSignInOutput = first;
  while (!step.isSignedIn) {
    const challenge = codeChallengeOf(step);
    if (!challenge) {
      throw new Error(`Unexpected sign-in step ${step.nextStep.signInStep}`);
    }
    step = await confirmSignIn({ challengeResponse: await askForCode(challenge) });
  }
}

/** Passwordless (the construct without `passwordFirst`): one emailed code per challenge. */
export async function signInWithCodes(username: string, askForCode: AskForCode): Promise<void> {
  const first = await signIn({ username, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  await answerCodeChallenges(first, askForCode);
}

/**
 * Password first (`passwordFirst: true`): Amplify proves the password with SRP (SRP_A, then
 * PASSWORD_VERIFIER) and the pool continues with the code challenges.
 */
export async function signInWithPasswordThenCodes(username: string, password: string, askForCode: AskForCode): Promise<void> {
  const first = await signIn({ username, password, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
  await answerCodeChallenges(first, askForCode);
}
