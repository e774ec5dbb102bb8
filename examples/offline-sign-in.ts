import * as path from 'node:path';
import { fetchAuthSession } from 'aws-amplify/auth';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { buildExampleApp } from './app';
import { configureAuth, signInWithPasswordThenCodes } from './clients/amplify-custom-auth';
import { deployedHandlers } from '../test/support/bundled-handlers';
import { AuthResult, CognitoSimulator } from '../test/support/cognito-simulator';
import { LocalAws } from '../test/support/local-aws';
import { startLocalCommand } from '../test/support/local-command';

/**
 * The main job, offline: synthesize the example app, then sign a user in through the handlers as
 * they would deploy (bundled assets and environment from the synthesized template), with Cognito's
 * loop run by the local endpoint's user pool and SES answered locally, printing each round; then
 * start `cdk-cognito-custom-auth local` on the same cloud assembly and sign in with Amplify JS.
 * Exits non-zero unless both sign-ins end with tokens.
 */
function mistype(code: string): string {
  return `${(Number(code[0]) + 1) % 10}${code.slice(1)}`;
}

async function main(): Promise<void> {
  const outdir = path.join(__dirname, 'cdk.out');
  const { app, auth } = buildExampleApp(outdir);
  const assembly = app.synth();
  const template = assembly.getStackByName('CustomAuthExample').template;
  const count = (type: string) => Object.values<any>(template.Resources).filter((r) => r.Type === type).length;
  console.log(`Synthesized CustomAuthExample into ${path.relative(process.cwd(), outdir)}: `
    + `${count('AWS::Cognito::UserPool')} user pool, ${count('AWS::Cognito::UserPoolClient')} app client, `
    + `${count('AWS::Lambda::Function')} functions, ${count('AWS::Logs::LogGroup')} log groups, ${count('AWS::IAM::Role')} roles`);

  const localAws = await LocalAws.start();
  const user = { username: 'alice@example.com', password: 'Correct-horse-9!', attributes: { sub: 'a1', email: 'alice@example.com', email_verified: 'true' } };
  const quietLogs = { info: () => undefined, error: console.error, warn: console.warn, log: () => undefined, debug: () => undefined };
  let round = 0;
  const cognito = new CognitoSimulator(await deployedHandlers(auth, localAws, quietLogs), [user], (trigger, _request, response) => {
    if (trigger === 'define') {
      const next = response.issueTokens ? 'issue tokens' : response.failAuthentication ? 'fail' : response.challengeName;
      console.log(`    Define  -> ${next}`);
    } else if (trigger === 'create') {
      const p = response.publicChallengeParameters;
      console.log(`    Create  -> challenge ${p.challengeNumber} of ${p.challengeCount} by ${p.deliveryMedium} to ${p.destination}, ${p.attemptsRemaining} attempts left`);
    } else {
      console.log(`    Verify  -> ${response.answerCorrect ? 'correct' : 'wrong'}`);
    }
  });
  const client = (description: string) => console.log(`Round ${++round}: ${description}`);
  let emailsSeen = 0;
  const inbox = () => {
    if (localAws.received.length === emailsSeen) {
      console.log('    Inbox   (no new email: the pending code still stands)');
    }
    for (const email of localAws.received.slice(emailsSeen)) {
      console.log(`    Inbox   <- "${email.subject}": ${email.body}`);
    }
    emailsSeen = localAws.received.length;
    return localAws.lastCodeSentTo(user.attributes.email);
  };

  try {
    client(`InitiateAuth CUSTOM_AUTH for ${user.username}, starting with SRP_A (password first)`);
    let step: AuthResult = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: user.username, CHALLENGE_NAME: 'SRP_A', SRP_A: 'simulated' });
    client('RespondToAuthChallenge PASSWORD_VERIFIER with the password');
    step = await cognito.respondToAuthChallenge('PASSWORD_VERIFIER', step.Session!, { USERNAME: user.username, PASSWORD: user.password });
    let mistakeMade = false;
    while (step.ChallengeName === 'CUSTOM_CHALLENGE') {
      const code = inbox();
      // Mistype the second code once, to show a retry: same code, no second email.
      const answer: string = step.ChallengeParameters!.challengeNumber === '2' && !mistakeMade ? mistype(code) : code;
      mistakeMade ||= answer !== code;
      client(`RespondToAuthChallenge CUSTOM_CHALLENGE with ${answer === code ? 'the emailed code' : 'a mistyped code'} (${answer})`);
      step = await cognito.respondToAuthChallenge('CUSTOM_CHALLENGE', step.Session!, { USERNAME: user.username, ANSWER: answer });
    }
    if (!step.AuthenticationResult) {
      throw new Error(`sign-in ended without tokens: ${JSON.stringify(step)}`);
    }
    console.log(`Signed in after ${round} rounds: tokens issued; ${localAws.received.length} emails sent (a retry reuses its code).`);
  } finally {
    await localAws.stop();
  }
  await signInThroughTheLocalCommand(outdir, user);
}

/** The same cloud assembly as a local Cognito endpoint, with a real client signing in against it. */
async function signInThroughTheLocalCommand(outdir: string, user: { username: string; password: string }): Promise<void> {
  console.log(`Then the same cloud assembly as a local Cognito endpoint: npx cdk-cognito-custom-auth local --app ${path.relative(process.cwd(), outdir)}`);
  const local = await startLocalCommand(outdir, [{ username: user.username, password: user.password, attributes: { email_verified: 'true' } }]);
  try {
    const pool = local.pool('CustomAuthExample');
    console.log(`    Ready   at ${local.endpoint}: user pool ${pool.userPoolId}, app client ${pool.userPoolClientId}`);
    const warn = console.warn;
    console.warn = () => undefined; // Amplify warns that the endpoint is not Cognito's
    configureAuth(pool.userPoolId, pool.userPoolClientId, local.endpoint);
    console.warn = warn;
    let codes = 0;
    await signInWithPasswordThenCodes(user.username, user.password, async () => {
      codes++;
      return local.lastCodeSentTo(user.username);
    });
    console.log(`    Amplify JS signIn (CUSTOM_WITH_SRP): the password proven with SRP, then ${codes} codes read from ${local.endpoint}/_local/messages`);
    const { tokens } = await fetchAuthSession();
    const issuer = `${local.endpoint}/${pool.userPoolId}`;
    const { payload } = await jwtVerify(String(tokens?.idToken), createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)),
      { issuer, audience: pool.userPoolClientId });
    console.log(`    Tokens  the ID token for ${payload.email} verifies with jose against ${issuer}/.well-known/jwks.json`);
  } finally {
    await local.stop();
  }
}

main().catch((error) => {
  console.error(`Offline sign-in failed: ${error.message}`);
  process.exit(1);
});
