import { App, Stack } from 'aws-cdk-lib';
import * as cognito_ from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CodeDelivery, CustomAuthUserPool, CustomAuthUserPoolProps } from '../../src';
import { defaultFirstChallenge, deployedHandlers, recordingSink } from '../support/bundled-handlers';
import { answerWith, CHALLENGE_PARAMETER_KEYS, CognitoError, CognitoSimulator } from '../support/cognito-simulator';
import { localAwsForTestFile } from '../support/local-aws';

/**
 * End to end, offline: the handlers as shipped (the bundled assets in the synthesized cloud
 * assembly, with the environment from the synthesized template) run through Cognito's documented
 * loop, with their real SES calls answered by a local endpoint.
 */

const ALICE = {
  username: 'alice@example.com',
  password: 'Correct-horse-9!',
  attributes: {
    'sub': 'a1',
    'email': 'alice@example.com',
    'email_verified': 'true',
    'phone_number': '+447700900123',
    'phone_number_verified': 'true',
    'custom:chat_id': 'alice-chat-42',
    'locale': 'en-GB',
  },
};

const localAws = localAwsForTestFile();
const logged: string[] = [];
const sink = recordingSink(logged);

async function cognitoWith(
  props: Partial<CustomAuthUserPoolProps>,
  build?: (stack: Stack) => Partial<CustomAuthUserPoolProps>,
): Promise<CognitoSimulator> {
  const app = new App();
  const stack = new Stack(app, 'SignIn', { env: { account: '123456789012', region: 'us-east-1' } });
  const pool = new CustomAuthUserPool(stack, 'Auth', {
    delivery: CodeDelivery.email({ fromAddress: 'Example <no-reply@example.com>' }),
    ...props,
    ...build?.(stack),
  });
  return new CognitoSimulator(await deployedHandlers(pool, localAws(), sink), [ALICE]);
}

function wrongCodeFor(code: string): string {
  return code.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
}

describe('sign-in through the bundled handlers', () => {
  test('passwordless with one challenge: one email, then tokens', async () => {
    // GIVEN
    const cognito = await cognitoWith({});

    // WHEN
    const challenge = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com' });

    // THEN
    expect(challenge.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(challenge.ChallengeParameters).toEqual(defaultFirstChallenge('alice@example.com', 'a***@e***'));
    expect(localAws().received).toHaveLength(1);
    expect(localAws().received[0]).toMatchObject({ from: 'Example <no-reply@example.com>', to: ['alice@example.com'], subject: 'Your sign-in code' });
    const code = localAws().lastCodeSentTo('alice@example.com');
    expect(JSON.stringify(challenge)).not.toContain(code);

    const result = await answerWith(cognito, challenge, code);
    expect(result.AuthenticationResult?.IdToken).toBeDefined();
  });

  test('password first with three challenges: password, then three distinct codes, then tokens', async () => {
    // GIVEN
    const cognito = await cognitoWith({ passwordFirst: true, challengeCount: 3 });

    // WHEN
    const passwordStep = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com', CHALLENGE_NAME: 'SRP_A', SRP_A: 'abc' });
    expect(passwordStep.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(localAws().received).toHaveLength(0);
    let step = await cognito.respondToAuthChallenge('PASSWORD_VERIFIER', passwordStep.Session!, { USERNAME: 'alice@example.com', PASSWORD: ALICE.password });
    const codes: string[] = [];
    for (const challengeNumber of ['1', '2', '3']) {
      expect(step.ChallengeName).toBe('CUSTOM_CHALLENGE');
      expect(step.ChallengeParameters).toMatchObject({ challengeNumber, challengeCount: '3', attemptsRemaining: '3' });
      codes.push(localAws().lastCodeSentTo('alice@example.com'));
      step = await answerWith(cognito, step, codes[codes.length - 1]);
    }

    // THEN
    expect(step.AuthenticationResult).toBeDefined();
    expect(localAws().received).toHaveLength(3);
    expect(new Set(codes).size).toBe(3);
  });

  test('a wrong answer, then the right one: the same code, no second email', async () => {
    // GIVEN
    const cognito = await cognitoWith({});
    const first = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com' });
    const code = localAws().lastCodeSentTo('alice@example.com');

    // WHEN
    const retry = await answerWith(cognito, first, wrongCodeFor(code));

    // THEN
    expect(retry.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(retry.ChallengeParameters).toMatchObject({ challengeNumber: '1', attemptsRemaining: '2' });
    expect(localAws().received).toHaveLength(1);
    const result = await answerWith(cognito, retry, code);
    expect(result.AuthenticationResult).toBeDefined();
  });

  test('maxAttempts wrong answers fail the sign-in, and the right code is then of no use', async () => {
    // GIVEN
    const cognito = await cognitoWith({ maxAttempts: 3 });
    let step = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com' });
    const code = localAws().lastCodeSentTo('alice@example.com');

    // WHEN
    step = await answerWith(cognito, step, wrongCodeFor(code));
    step = await answerWith(cognito, step, '000000' === code ? '111111' : '000000');
    const third = answerWith(cognito, step, 'not-a-code');

    // THEN
    await expect(third).rejects.toThrow(new CognitoError('NotAuthorizedException', 'Incorrect username or password.'));
    await expect(answerWith(cognito, step, code)).rejects.toThrow(/NotAuthorizedException: Invalid session/);
    expect(localAws().received).toHaveLength(1);
  });

  test('an unknown user sees the same challenge as a known one, gets no email, and cannot pass', async () => {
    // GIVEN
    const cognito = await cognitoWith({});
    const known = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com' });
    localAws().reset();

    // WHEN
    const unknown = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'mallory@example.org' });

    // THEN
    expect(unknown.ChallengeName).toBe(known.ChallengeName);
    expect(Object.keys(unknown.ChallengeParameters!).sort()).toEqual(CHALLENGE_PARAMETER_KEYS);
    expect(Object.keys(known.ChallengeParameters!).sort()).toEqual(CHALLENGE_PARAMETER_KEYS);
    expect(unknown.ChallengeParameters).toMatchObject({ ...known.ChallengeParameters, USERNAME: 'mallory@example.org', destination: 'm***@e***' });
    expect(localAws().received).toHaveLength(0);
    let step = unknown;
    step = await answerWith(cognito, step, '123456');
    expect(step.ChallengeParameters).toMatchObject({ attemptsRemaining: '2' });
    step = await answerWith(cognito, step, '654321');
    await expect(answerWith(cognito, step, '000000')).rejects.toThrow('Incorrect username or password.');
  });

  test('password first, started without SRP_A: fails before any code is sent', async () => {
    // GIVEN
    const cognito = await cognitoWith({ passwordFirst: true, challengeCount: 3 });

    // WHEN
    const start = cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com' });

    // THEN
    await expect(start).rejects.toThrow('NotAuthorizedException: Incorrect username or password.');
    expect(localAws().received).toHaveLength(0);
  });

  test('password first with a wrong password: fails before any code is sent', async () => {
    const cognito = await cognitoWith({ passwordFirst: true });
    const passwordStep = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com', CHALLENGE_NAME: 'SRP_A', SRP_A: 'abc' });

    const result = cognito.respondToAuthChallenge('PASSWORD_VERIFIER', passwordStep.Session!, { USERNAME: 'alice@example.com', PASSWORD: 'wrong' });

    await expect(result).rejects.toThrow('Incorrect username or password.');
    expect(localAws().received).toHaveLength(0);
  });

  test('email, then SMS: challenge 1 by email, challenge 2 by SMS, then tokens', async () => {
    // GIVEN
    const cognito = await cognitoWith({
      challengeCount: 2,
      challengeDeliveries: [CodeDelivery.email({ fromAddress: 'no-reply@example.com' }), CodeDelivery.sms({ senderId: 'Example' })],
    });

    // WHEN
    const first = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com' });
    expect(first.ChallengeParameters).toMatchObject({ deliveryMedium: 'EMAIL', destination: 'a***@e***', challengeNumber: '1' });
    const second = await answerWith(cognito, first, localAws().lastCodeSentTo('alice@example.com'));
    expect(second.ChallengeParameters).toMatchObject({ deliveryMedium: 'SMS', destination: '+******0123', challengeNumber: '2' });
    const result = await answerWith(cognito, second, localAws().lastCodeSentTo('+447700900123'));

    // THEN
    expect(result.AuthenticationResult).toBeDefined();
    expect(localAws().received.map((message) => [message.channel, message.to])).toEqual([['email', ['alice@example.com']], ['sms', ['+447700900123']]]);
    expect(localAws().received[1].attributes).toEqual({ 'AWS.SNS.SMS.SMSType': 'Transactional', 'AWS.SNS.SMS.SenderID': 'Example' });
  });

  test('a custom sender receives the destination, the code and the context, and the code signs the user in', async () => {
    // GIVEN
    const cognito = await cognitoWith({ customAttributes: { chat_id: new cognito_.StringAttribute({ mutable: true }) } }, (stack) => ({
      delivery: CodeDelivery.customSender(lambda.Function.fromFunctionArn(stack, 'Sender', 'arn:aws:lambda:us-east-1:123456789012:function:chat-sender'),
        { destinationAttribute: 'custom:chat_id', deliveryMedium: 'CHAT' }),
    }));

    // WHEN
    const challenge = await cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com' });
    const result = await answerWith(cognito, challenge, localAws().lastCodeSentTo('alice-chat-42'));

    // THEN
    expect(challenge.ChallengeParameters).toMatchObject({ deliveryMedium: 'CHAT', destination: 'a***' });
    expect(result.AuthenticationResult).toBeDefined();
    expect(localAws().received).toHaveLength(1);
    expect(localAws().received[0].attributes).toEqual({
      version: '1',
      destination: 'alice-chat-42',
      destinationAttribute: 'custom:chat_id',
      code: expect.stringMatching(/^\d{6}$/),
      challengeNumber: 1,
      challengeCount: 1,
      userPoolId: 'us-east-1_SIMULATED',
      username: 'alice@example.com',
      locale: 'en-GB',
      clientMetadata: {},
    });
  });

  test('a custom sender that fails ends the sign-in with a generic error, and is not invoked again', async () => {
    const cognito = await cognitoWith({}, (stack) => ({
      delivery: CodeDelivery.customSender(lambda.Function.fromFunctionArn(stack, 'Sender', 'arn:aws:lambda:us-east-1:123456789012:function:sender')),
    }));
    localAws().customSenderFails = true;

    await expect(cognito.initiateAuth('CUSTOM_AUTH', { USERNAME: 'alice@example.com' }))
      .rejects.toThrow('UserLambdaValidationException: CreateAuthChallenge failed with error Sign-in could not continue.');
    expect(localAws().requests).toEqual(['custom']);
    expect(localAws().received).toHaveLength(0);
  });

  test('the handlers logged nothing secret across the whole suite', () => {
    expect(logged.length).toBeGreaterThan(10);
    const joined = logged.join('\n');
    expect(joined).not.toMatch(/\d{6}/);
    expect(joined).not.toMatch(/@/);
    expect(joined).not.toMatch(/[0-9a-f]{32}/);
  });
});
