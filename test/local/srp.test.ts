import { createHmac } from 'node:crypto';
import { formatTimestamp, isValidTimestamp, N, padHex, SrpServerSession, createVerifier } from '../../src/local/srp';

/**
 * The server side of Cognito's SRP against the client side of amazon-cognito-identity-js (its
 * AuthenticationHelper, which the library's authenticateUser runs): the real client's claim verifies,
 * and any change to password, user, secret block, timestamp or A does not. Amplify JS v6 and the
 * library's full sign-in run against the command in test/e2e/local-command.test.ts.
 */

const POOL_ID = 'us-east-1_AbCdEf123';
const USER = '5a1d1e0c-8f0a-4b5e-9c43-3f2b1c9d7e61';

// The library's SRP client and its big-integer class, as CognitoUser uses them (not typed by its index).
/* eslint-disable @typescript-eslint/no-require-imports */
const AuthenticationHelper = require('amazon-cognito-identity-js/lib/AuthenticationHelper').default;
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The client's claim, computed by amazon-cognito-identity-js as in CognitoUser.authenticateUserDefaultAuth. */
async function clientClaim(server: SrpServerSession, salt: string, password: string, userId = USER,
  timestamp = formatTimestamp(new Date(Date.UTC(2026, 11, 1, 9, 5, 3)))) {
  const helper = new AuthenticationHelper(POOL_ID.split('_')[1]);
  const A: string = await new Promise((resolve, reject) =>
    helper.getLargeAValue((error: Error, value: { toString(radix: number): string }) => (error ? reject(error) : resolve(value.toString(16)))));
  const key: number[] = await new Promise((resolve, reject) => helper.getPasswordAuthenticationKey(userId, password,
    new BigInteger(server.serverPublic, 16), new BigInteger(salt, 16), (error: Error, value: number[]) => (error ? reject(error) : resolve(value))));
  const signature = createHmac('sha256', Buffer.from(key))
    .update(Buffer.concat([Buffer.from(POOL_ID.split('_')[1]), Buffer.from(userId), Buffer.from(server.secretBlock, 'base64'), Buffer.from(timestamp)]))
    .digest('base64');
  return { A, claim: { secretBlock: server.secretBlock, signature, timestamp } };
}

describe('SRP (server side)', () => {
  test('the claim amazon-cognito-identity-js computes verifies; a wrong password, user, block, timestamp or A does not', async () => {
    const verifier = createVerifier(POOL_ID, USER, 'Correct-horse-9!');
    const server = new SrpServerSession(verifier);
    const { A, claim } = await clientClaim(server, verifier.salt, 'Correct-horse-9!');

    expect(server.verify(POOL_ID, USER, A, claim)).toBe(true);
    const wrong = await clientClaim(server, verifier.salt, 'Wrong-horse-9!');
    expect(server.verify(POOL_ID, USER, wrong.A, wrong.claim)).toBe(false);
    expect(server.verify(POOL_ID, 'someone-else', A, claim)).toBe(false);
    expect(server.verify(POOL_ID, USER, A, { ...claim, secretBlock: Buffer.from('other').toString('base64') })).toBe(false);
    expect(server.verify(POOL_ID, USER, A, { ...claim, timestamp: 'Tue Dec 1 09:05:04 UTC 2026' })).toBe(false);
    expect(server.verify(POOL_ID, USER, N.toString(16), claim)).toBe(false); // A mod N = 0
    expect(server.verify(POOL_ID, USER, 'not hex', claim)).toBe(false);
  });

  test('salts whose top bit is set are padded as the clients pad them', async () => {
    const verifier = createVerifier(POOL_ID, USER, 'Correct-horse-9!', Buffer.from('ff'.repeat(16), 'hex'));
    expect(verifier.salt).toBe(`00${'ff'.repeat(16)}`);
    const server = new SrpServerSession(verifier);
    const { A, claim } = await clientClaim(server, verifier.salt, 'Correct-horse-9!');
    expect(server.verify(POOL_ID, USER, A, claim)).toBe(true);
  });

  test.each([
    [0x7fn, '7f'], [0x80n, '0080'], [0xfn, '0f'], [0x123n, '0123'], [0x8123n, '008123'],
  ])('padHex(%s) = %s', (value, hex) => {
    expect(padHex(value)).toBe(hex);
  });

  test.each([
    [new Date(Date.UTC(2026, 11, 1, 9, 5, 3)), 'Tue Dec 1 09:05:03 UTC 2026'],
    [new Date(Date.UTC(2027, 0, 31, 23, 59, 59)), 'Sun Jan 31 23:59:59 UTC 2027'],
  ])('TIMESTAMP of %s is %s', (date, text) => {
    expect(formatTimestamp(date)).toBe(text);
    expect(isValidTimestamp(text)).toBe(true);
  });

  test.each([
    'Tue Dec 01 09:05:03 UTC 2026', // a padded day
    'Wed Dec 1 09:05:03 UTC 2026', // a wrong weekday
    'Tue Dec 1 9:05:03 UTC 2026', // an unpadded hour
    'Tue Dec 32 09:05:03 UTC 2026',
    '2026-12-01T09:05:03Z',
  ])('refuses the TIMESTAMP %s', (text) => {
    expect(isValidTimestamp(text)).toBe(false);
  });
});
