import { rmSync } from 'node:fs';
import {
  AdminConfirmSignUpCommand, AdminCreateUserCommand, AdminDeleteUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient, ConfirmSignUpCommand, GetUserCommand, GlobalSignOutCommand, InitiateAuthCommand, ListUsersCommand,
  RespondToAuthChallengeCommand, RevokeTokenCommand, SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { Stack } from 'aws-cdk-lib';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { buildExampleApp } from '../../examples/app';
import { configureAuth, signInWithCodes as amplifySignInWithCodes, signInWithPasswordThenCodes } from '../../examples/clients/amplify-custom-auth';
import { signInWithCodes as sdkSignInWithCodes } from '../../examples/clients/sdk-custom-auth';
import { CodeDelivery, CustomAuthUserPool } from '../../src';
import { RunningCommand, startLocalCommand, synthesizeToTemp } from '../support/local-command';
import { rememberSecrets } from '../support/log-capture';

/**
 * `cdk-cognito-custom-auth local`, started as users start it (a child process of the bundled command)
 * on the example app synthesized into a temporary directory, plus a passwordless stack with self
 * sign-up and one with a one-code budget. Real clients sign in against it: Amplify JS v6,
 * amazon-cognito-identity-js, the AWS SDK v3; tokens are verified with jose and aws-jwt-verify.
 */

const PASSWORD = 'Correct-horse-9!';
const USERS: Array<{ stack?: string; username: string; password?: string; attributes: Record<string, string> }> = [
  { username: 'alice@example.com', password: PASSWORD, attributes: { email_verified: 'true' } },
  { username: 'bob@example.com', attributes: { email_verified: 'true' } },
  // A pool that signs in by username takes usernames: users of one stack only
  { stack: 'Aliases', username: 'ally', attributes: { email: 'ally@example.com', email_verified: 'true', preferred_username: 'al' } },
];

let local: RunningCommand;
beforeAll(async () => {
  const app = synthesizeToTemp((outdir) => {
    const { app: exampleApp } = buildExampleApp(outdir);
    const env = { account: '123456789012', region: 'eu-west-1' };
    new CustomAuthUserPool(new Stack(exampleApp, 'Passwordless', { env }), 'Auth', {
      delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
      selfSignUpEnabled: true,
    });
    new CustomAuthUserPool(new Stack(exampleApp, 'OneCode', { env }), 'Auth', {
      delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
      crossSessionLimits: { maxCodes: 1 },
    });
    // A second app client that allows the password flows (the README warns against it; Cognito serves it).
    const withPasswordClient = new CustomAuthUserPool(new Stack(exampleApp, 'PasswordClient', { env }), 'Auth', {
      delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
    });
    withPasswordClient.userPool.addClient('Password', { authFlows: { userPassword: true, userSrp: true } });
    new CustomAuthUserPool(new Stack(exampleApp, 'Aliases', { env }), 'Auth', {
      delivery: CodeDelivery.email({ fromAddress: 'no-reply@example.com' }),
      signInAliases: { username: true, email: true, preferredUsername: true },
      selfSignUpEnabled: true,
    });
    return exampleApp;
  });
  local = await startLocalCommand(app, USERS);
}, 60_000);
afterAll(async () => {
  await local?.stopAndRemove();
});

const sdk = () => new CognitoIdentityProviderClient({
  endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const issuerOf = (stack: string) => `${local.endpoint}/${local.pool(stack).userPoolId}`;
const codeFor = (to: string) => () => local.lastCodeSentTo(to);
const quietAmplify = () => jest.spyOn(console, 'warn').mockImplementation(() => undefined);

describe('the command', () => {
  test('prints the endpoint and every pool with custom auth triggers as its first line', () => {
    expect(local.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local.userPools.map(({ stack, path, region }) => ({ stack, path, region }))).toEqual([
      { stack: 'CustomAuthExample', path: 'CustomAuthExample/Auth/UserPool', region: 'us-east-1' },
      { stack: 'Passwordless', path: 'Passwordless/Auth/UserPool', region: 'eu-west-1' },
      { stack: 'OneCode', path: 'OneCode/Auth/UserPool', region: 'eu-west-1' },
      { stack: 'PasswordClient', path: 'PasswordClient/Auth/UserPool', region: 'eu-west-1' },
      { stack: 'Aliases', path: 'Aliases/Auth/UserPool', region: 'eu-west-1' },
    ]);
    for (const pool of local.userPools) {
      expect(pool.userPoolId).toMatch(new RegExp(`^${pool.region}_[A-Za-z0-9]{9}$`));
      expect(pool.userPoolClientId).toMatch(/^[a-z0-9]{26}$/);
      expect(pool.userPoolClientIds[0]).toBe(pool.userPoolClientId);
    }
    expect(local.pool('PasswordClient').userPoolClientIds).toHaveLength(2);
  });

  test('answers a browser preflight (CORS) and names unsupported actions in Cognito\'s error shape', async () => {
    const preflight = await fetch(local.endpoint, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-amz-target');

    const response = await fetch(local.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ForgotPassword' },
      body: JSON.stringify({ ClientId: local.pool('Passwordless').userPoolClientId, Username: 'bob@example.com' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnsupportedOperationException');
    expect(await response.json()).toEqual({ __type: 'UnsupportedOperationException', message: expect.stringMatching(/^ForgotPassword is not supported locally/) });
  });

  test('a web page (a request with an Origin) gets the sign-in API, but neither the admin actions nor the mailbox', async () => {
    const page = { origin: 'https://evil.example' };
    const call = (action: string, body: object, headers: Record<string, string> = {}) => fetch(local.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}`, ...headers },
      body: JSON.stringify(body),
    });
    const { userPoolId, userPoolClientId } = local.pool('Passwordless');

    // An admin action: for scripts (no Origin), as the SDK in Node.js sends it; refused to a page
    const listUsers = { UserPoolId: userPoolId };
    expect((await call('ListUsers', listUsers)).status).toBe(200);
    const refused = await call('ListUsers', listUsers, page);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ __type: 'AccessDeniedException', message: expect.stringMatching(/^ListUsers needs IAM credentials on Cognito/) });
    expect((await call('AdminCreateUser', { UserPoolId: userPoolId, Username: 'mallory@example.com' }, page)).status).toBe(400);

    // The mailbox and the clock: refused to a page
    expect((await fetch(`${local.endpoint}/_local/messages`, { headers: page })).status).toBe(403);
    expect((await fetch(`${local.endpoint}/_local/clock`, { method: 'POST', headers: page, body: '{"advanceSeconds":600}' })).status).toBe(403);
    expect((await fetch(`${local.endpoint}/_local/messages`)).status).toBe(200);

    // The sign-in API answers pages, as Cognito's does (Amplify in a browser)
    const pageSignIn = await call('InitiateAuth', { ClientId: userPoolClientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'nobody@example.com' } }, page);
    expect(pageSignIn.status).toBe(200);
  });

  test('a body that is not JSON, and an unknown app client, fail as on Cognito', async () => {
    const call = (body: string) => fetch(local.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body,
    });

    expect(await (await call('{not json')).json()).toEqual({ __type: 'SerializationException', message: 'The request body is not a JSON object' });
    expect(await (await call('{"ClientId":"nosuchclient","AuthFlow":"CUSTOM_AUTH"}')).json())
      .toEqual({ __type: 'ResourceNotFoundException', message: 'User pool client nosuchclient does not exist.' });
  });
});

describe('Amplify JS v6', () => {
  afterEach(async () => {
    await signOut();
    jest.restoreAllMocks();
  });

  test('CUSTOM_WITH_SRP: the password (SRP), then two emailed codes; tokens verify against the JWKS; refresh', async () => {
    // GIVEN
    quietAmplify();
    const pool = local.pool('CustomAuthExample');
    configureAuth(pool.userPoolId, pool.userPoolClientId, local.endpoint);
    const seen: number[] = [];

    // WHEN
    await signInWithPasswordThenCodes('alice@example.com', PASSWORD, async (challenge) => {
      seen.push(challenge.challengeNumber);
      return codeFor('alice@example.com')();
    });
    const { tokens } = await fetchAuthSession();
    rememberSecrets(tokens?.idToken?.toString(), tokens?.accessToken.toString());

    // THEN: two codes by email, and tokens a back end verifies with jose against the local JWKS
    expect(seen).toEqual([1, 2]);
    const jwks = createRemoteJWKSet(new URL(`${issuerOf('CustomAuthExample')}/.well-known/jwks.json`));
    const { payload: id } = await jwtVerify(tokens!.idToken!.toString(), jwks, { issuer: issuerOf('CustomAuthExample'), audience: pool.userPoolClientId });
    expect(id).toMatchObject({ 'token_use': 'id', 'email': 'alice@example.com', 'email_verified': 'true', 'cognito:username': expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(id.sub).toBe(id['cognito:username']);
    for (const claim of ['auth_time', 'exp', 'iat', 'jti', 'origin_jti']) {
      expect(id[claim]).toBeDefined();
    }
    const { payload: access } = await jwtVerify(tokens!.accessToken.toString(), jwks, { issuer: issuerOf('CustomAuthExample') });
    expect(access).toMatchObject({ token_use: 'access', client_id: pool.userPoolClientId, username: id['cognito:username'], origin_jti: id.origin_jti });

    // WHEN refreshed: new tokens of the same sign-in
    const refreshed = (await fetchAuthSession({ forceRefresh: true })).tokens!;
    rememberSecrets(refreshed.idToken?.toString(), refreshed.accessToken.toString());
    const { payload: refreshedAccess } = await jwtVerify(refreshed.accessToken.toString(), jwks, { issuer: issuerOf('CustomAuthExample') });
    expect(refreshedAccess.jti).not.toBe(access.jti);
    expect(refreshedAccess.origin_jti).toBe(access.origin_jti);
    expect(refreshedAccess.auth_time).toBe(access.auth_time);
  });

  test('a wrong password and an unknown user fail the same way, and nothing is sent', async () => {
    quietAmplify();
    const pool = local.pool('CustomAuthExample');
    configureAuth(pool.userPoolId, pool.userPoolClientId, local.endpoint);
    const before = (await local.messages()).length;

    const wrongPassword = signIn({ username: 'alice@example.com', password: 'Wrong-horse-9!', options: { authFlowType: 'CUSTOM_WITH_SRP' } });
    await expect(wrongPassword).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const unknownUser = signIn({ username: 'mallory@example.com', password: PASSWORD, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
    await expect(unknownUser).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });

    expect(await local.messages()).toHaveLength(before);
  });

  test('CUSTOM_WITHOUT_SRP: one emailed code', async () => {
    quietAmplify();
    const pool = local.pool('Passwordless');
    configureAuth(pool.userPoolId, pool.userPoolClientId, local.endpoint);

    await amplifySignInWithCodes('bob@example.com', codeFor('bob@example.com'));

    const { tokens } = await fetchAuthSession();
    rememberSecrets(tokens?.idToken?.toString(), tokens?.accessToken.toString());
    expect(tokens?.idToken?.payload.email).toBe('bob@example.com');
  });
});

describe('amazon-cognito-identity-js', () => {
  test('CUSTOM_AUTH with SRP: the library\'s own SRP client completes PASSWORD_VERIFIER, then the codes', async () => {
    const pool = local.pool('CustomAuthExample');
    const user = new CognitoUser({
      Username: 'alice@example.com',
      Pool: new CognitoUserPool({ UserPoolId: pool.userPoolId, ClientId: pool.userPoolClientId, endpoint: local.endpoint }),
    });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const session = await new Promise<any>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        customChallenge: () => void codeFor('alice@example.com')().then((code) => user.sendCustomChallengeAnswer(code, callbacks), reject),
      };
      user.authenticateUser(new AuthenticationDetails({ Username: 'alice@example.com', Password: PASSWORD }), callbacks);
    });
    expect(session.isValid()).toBe(true);
  });
});

describe('AWS SDK v3', () => {
  test('signs in (examples/clients/sdk-custom-auth.ts), reads the user, verifies with aws-jwt-verify, and global sign-out revokes', async () => {
    // GIVEN
    const pool = local.pool('Passwordless');
    const cognito = sdk();

    // WHEN
    const tokens = await sdkSignInWithCodes(cognito, pool.userPoolClientId, 'bob@example.com', codeFor('bob@example.com'));
    rememberSecrets(tokens.IdToken, tokens.AccessToken, tokens.RefreshToken);

    // THEN: aws-jwt-verify fetches JWKS over HTTPS only; a back end hands it the local JWKS
    const verifier = JwtVerifier.create({ issuer: issuerOf('Passwordless'), audience: pool.userPoolClientId, jwksUri: `${issuerOf('Passwordless')}/.well-known/jwks.json` });
    verifier.cacheJwks(await (await fetch(`${issuerOf('Passwordless')}/.well-known/jwks.json`)).json() as Jwks);
    await expect(verifier.verify(tokens.IdToken!)).resolves.toMatchObject({ token_use: 'id', email: 'bob@example.com' });
    await expect(verifier.verify(tokens.AccessToken!)).rejects.toThrow(/audience/i); // an access token has client_id, not aud
    const user = await cognito.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'bob@example.com' }]));
    const refreshed = await cognito.send(new InitiateAuthCommand({
      ClientId: pool.userPoolClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! },
    }));
    expect(refreshed.AuthenticationResult?.AccessToken).toBeDefined();
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    rememberSecrets(refreshed.AuthenticationResult?.IdToken, refreshed.AuthenticationResult?.AccessToken);

    // WHEN signed out everywhere
    await cognito.send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken }));

    // THEN
    await expect(cognito.send(new GetUserCommand({ AccessToken: refreshed.AuthenticationResult!.AccessToken }))).rejects
      .toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    await expect(cognito.send(new InitiateAuthCommand({
      ClientId: pool.userPoolClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! },
    }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
  });

  test('RevokeToken (what Amplify\'s signOut calls) ends the refresh token and the access tokens of its sign-in', async () => {
    const { userPoolClientId: ClientId } = local.pool('Passwordless');
    const cognito = sdk();
    const tokens = await sdkSignInWithCodes(cognito, ClientId, 'bob@example.com', codeFor('bob@example.com'));
    rememberSecrets(tokens.IdToken, tokens.AccessToken, tokens.RefreshToken);

    await cognito.send(new RevokeTokenCommand({ ClientId, Token: tokens.RefreshToken }));

    await expect(cognito.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
    await expect(cognito.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  test('a session is single use and expires after the client\'s AuthSessionValidity', async () => {
    const { userPoolClientId: ClientId } = local.pool('Passwordless');
    const cognito = sdk();
    const start = () => cognito.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'bob@example.com' } }));
    const answer = (Session: string, ANSWER: string) => cognito.send(new RespondToAuthChallengeCommand({
      ClientId, ChallengeName: 'CUSTOM_CHALLENGE', Session, ChallengeResponses: { USERNAME: 'bob@example.com', ANSWER },
    }));

    const first = await start();
    const code = await local.lastCodeSentTo('bob@example.com');
    await expect(answer(first.Session!, code)).resolves.toHaveProperty('AuthenticationResult');
    await expect(answer(first.Session!, code)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid session for the user.' });

    const second = await start();
    await local.advanceClock(3 * 60); // the construct's default authSessionValidity: 3 minutes
    await expect(answer(second.Session!, await local.lastCodeSentTo('bob@example.com'))).rejects
      .toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });
  });

  test('in a pool that signs in by email, known and unknown users both get a UUID as USERNAME and USER_ID_FOR_SRP', async () => {
    const { userPoolClientId: ClientId } = local.pool('CustomAuthExample');
    const start = (USERNAME: string) => sdk().send(new InitiateAuthCommand({
      ClientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME, CHALLENGE_NAME: 'SRP_A', SRP_A: 'abcdef' },
    }));

    const known = await start('alice@example.com');
    const unknown = await start('mallory@example.com');
    const unknownAgain = await start('Mallory@example.com');

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const step of [known, unknown]) {
      expect(step.ChallengeName).toBe('PASSWORD_VERIFIER');
      expect(Object.keys(step.ChallengeParameters!).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
      expect(step.ChallengeParameters!.USERNAME).toMatch(uuid);
      expect(step.ChallengeParameters!.USER_ID_FOR_SRP).toBe(step.ChallengeParameters!.USERNAME);
    }
    const { USERNAME, SALT } = unknown.ChallengeParameters!;
    expect(unknownAgain.ChallengeParameters).toMatchObject({ USERNAME, SALT });
  });

  test('password flows the app client does not allow are refused', async () => {
    const { userPoolClientId: ClientId } = local.pool('CustomAuthExample');
    for (const AuthFlow of ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'] as const) {
      await expect(sdk().send(new InitiateAuthCommand({ ClientId, AuthFlow, AuthParameters: { USERNAME: 'alice@example.com', PASSWORD, SRP_A: 'ab' } })))
        .rejects.toMatchObject({ name: 'InvalidParameterException', message: `${AuthFlow} flow not enabled for this client` });
    }
  });

  test('a client that allows them gets the password flows (USER_PASSWORD_AUTH; USER_SRP_AUTH from amazon-cognito-identity-js), with its own PreventUserExistenceErrors', async () => {
    const { userPoolId, userPoolClientIds: [, passwordClientId] } = local.pool('PasswordClient');
    const cognito = sdk();
    const byPassword = (USERNAME: string, password: string) => cognito.send(new InitiateAuthCommand({
      ClientId: passwordClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD: password },
    }));

    await expect(byPassword('alice@example.com', PASSWORD)).resolves.toHaveProperty('AuthenticationResult.IdToken');
    await expect(byPassword('alice@example.com', 'Wrong-horse-9!')).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    // addClient() leaves PreventUserExistenceErrors at LEGACY: Cognito then tells unknown users apart, and so does the endpoint
    await expect(byPassword('mallory@example.com', PASSWORD)).rejects.toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });

    const srpSignIn = (password: string) => new Promise<any>((resolve, reject) => {
      const user = new CognitoUser({ Username: 'alice@example.com', Pool: new CognitoUserPool({ UserPoolId: userPoolId, ClientId: passwordClientId, endpoint: local.endpoint }) });
      user.authenticateUser(new AuthenticationDetails({ Username: 'alice@example.com', Password: password }), { onSuccess: resolve, onFailure: reject });
    });
    await expect(srpSignIn(PASSWORD)).resolves.toMatchObject({ idToken: expect.anything() });
    await expect(srpSignIn('Wrong-horse-9!')).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  test('a throwing trigger surfaces as UserLambdaValidationException: the cross-session budget, counted in local DynamoDB', async () => {
    const { userPoolClientId: ClientId } = local.pool('OneCode');
    const start = () => sdk().send(new InitiateAuthCommand({ ClientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'carol@example.com' } }));

    await expect(start()).resolves.toHaveProperty('ChallengeName', 'CUSTOM_CHALLENGE');
    await expect(start()).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: 'CreateAuthChallenge failed with error Sign-in could not continue.',
    });
  });

  test('alias attributes: a verified email and a preferred username sign the user in as their username; an unverified email does not', async () => {
    const { userPoolId: UserPoolId, userPoolClientId: ClientId } = local.pool('Aliases');
    const cognito = sdk();
    const start = (USERNAME: string) => cognito.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME } }));

    for (const alias of ['ally@example.com', 'al', 'ally']) {
      const before = (await local.messages()).length;
      await expect(start(alias)).resolves.toMatchObject({ ChallengeParameters: { USERNAME: 'ally', destination: 'a***@e***' } });
      expect((await local.messages()).slice(before).map((message) => message.to)).toEqual(['ally@example.com']);
    }

    await cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username: 'ally', UserAttributes: [{ Name: 'email_verified', Value: 'false' }] }));
    const before = (await local.messages()).length;
    await expect(start('ally@example.com')).resolves.toMatchObject({ ChallengeParameters: { USERNAME: 'ally@example.com' } });
    expect(await local.messages()).toHaveLength(before); // an unknown user: a challenge, and nothing sent
  });

  test('AdminConfirmSignUp confirms a signed-up user without verifying the address', async () => {
    const { userPoolId: UserPoolId, userPoolClientId: ClientId } = local.pool('Aliases');
    const cognito = sdk();
    await cognito.send(new SignUpCommand({
      ClientId,
      Username: 'frank',
      Password: PASSWORD,
      UserAttributes: [{ Name: 'email', Value: 'frank@example.com' }, { Name: 'email_verified', Value: 'true' }],
    }));
    await expect(cognito.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'frank' } })))
      .rejects.toMatchObject({ name: 'UserNotConfirmedException' });

    await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId, Username: 'frank' }));

    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'frank' }));
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(user.UserAttributes?.find(({ Name }) => Name === 'email_verified')).toBeUndefined(); // a client cannot verify its own address
  });

  test('admin actions: create, set a permanent password, get, update, list, delete', async () => {
    const { userPoolId: UserPoolId, userPoolClientId: ClientId } = local.pool('Passwordless');
    const cognito = sdk();

    const created = await cognito.send(new AdminCreateUserCommand({
      UserPoolId,
      Username: 'dave@example.com',
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
    }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: 'dave@example.com', Password: PASSWORD, Permanent: true }));
    await cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username: 'dave@example.com', UserAttributes: [{ Name: 'locale', Value: 'en-GB' }] }));

    const fetched = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'dave@example.com' }));
    expect(fetched).toMatchObject({ Username: created.User!.Username, UserStatus: 'CONFIRMED', Enabled: true });
    expect(fetched.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'locale', Value: 'en-GB' }, { Name: 'email', Value: 'dave@example.com' }]));
    const listed = await cognito.send(new ListUsersCommand({ UserPoolId, Filter: 'email = "dave@example.com"' }));
    expect(listed.Users?.map((user) => user.Username)).toEqual([created.User!.Username]);
    await expect(sdkSignInWithCodes(cognito, ClientId, 'dave@example.com', codeFor('dave@example.com'))).resolves.toHaveProperty('IdToken');

    await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'dave@example.com' }));
    await expect(cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'dave@example.com' }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  test('self sign-up: SignUp emails a code, ConfirmSignUp with it, then a sign-in', async () => {
    const { userPoolClientId: ClientId } = local.pool('Passwordless');
    const cognito = sdk();

    const signedUp = await cognito.send(new SignUpCommand({ ClientId, Username: 'erin@example.com', Password: PASSWORD }));
    expect(signedUp).toMatchObject({ UserConfirmed: false, CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', Destination: 'e***@e***' } });
    await expect(cognito.send(new ConfirmSignUpCommand({ ClientId, Username: 'erin@example.com', ConfirmationCode: '000000x' })))
      .rejects.toMatchObject({ name: 'CodeMismatchException' });
    await cognito.send(new ConfirmSignUpCommand({ ClientId, Username: 'erin@example.com', ConfirmationCode: await local.lastCodeSentTo('erin@example.com') }));

    await expect(sdkSignInWithCodes(cognito, ClientId, 'erin@example.com', codeFor('erin@example.com'))).resolves.toHaveProperty('IdToken');
    await expect(cognito.send(new SignUpCommand({ ClientId: local.pool('CustomAuthExample').userPoolClientId, Username: 'x@example.com', Password: PASSWORD })))
      .rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'SignUp is not permitted for this user pool' });
  });
});

describe('starting and stopping', () => {
  test('a users file the pool refuses stops the start, naming the user and the pool', async () => {
    const app = synthesizeToTemp((outdir) => buildExampleApp(outdir).app);
    await expect(startLocalCommand(app, [{ username: 'alice@example.com', password: 'short' }]))
      .rejects.toThrow(/--users: alice@example\.com in CustomAuthExample \(us-east-1_\w+\): Password did not conform with policy: Password must have length at least 12 \(an entry without "stack" is created in every pool: give it "stack": "CustomAuthExample" or another stack\)/);
    rmSync(app, { recursive: true, force: true });
  });

  test('Ctrl-C stops it cleanly', async () => {
    const other = await startLocalCommand(synthesizeToTemp((outdir) => buildExampleApp(outdir).app), [], ['--stack', 'CustomAuthExample']);
    expect(other.userPools).toHaveLength(1);
    await expect(other.stopAndRemove()).resolves.toBe(0);
  });
});
