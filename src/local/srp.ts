import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of Cognito's SRP-6a variant, as the AWS SDKs, Amplify JS and
 * amazon-cognito-identity-js compute the client side: the RFC 5054 3072-bit group, SHA-256, Java-style
 * two's-complement hex padding, the "Caldera Derived Key" HKDF and Cognito's PASSWORD_CLAIM_SIGNATURE.
 */

/** RFC 5054's 3072-bit prime. */
export const N = BigInt('0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF');
export const g = 2n;

/** Hex of a non-negative integer as Java's BigInteger.toByteArray() encodes it: even length, a leading 00 when the top bit is set. */
export function padHex(value: bigint): string {
  const hex = value.toString(16);
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return /^[89a-f]/.test(even) ? `00${even}` : even;
}

function sha256(...parts: Array<Buffer | string>): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
  }
  return hash.digest();
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function hexBytes(value: bigint): Buffer {
  return Buffer.from(padHex(value), 'hex');
}

/** base^exponent mod modulus, square-and-multiply. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e /= 2n) {
    if (e % 2n === 1n) {
      result = (result * b) % modulus;
    }
    b = (b * b) % modulus;
  }
  return result;
}

/** k = H(PAD(N) | PAD(g)). */
export const k = toBigInt(sha256(hexBytes(N), hexBytes(g)));

/** u = H(PAD(A) | PAD(B)). */
export function scramblingParameter(A: bigint, B: bigint): bigint {
  return toBigInt(sha256(hexBytes(A), hexBytes(B)));
}

/** x = H(PAD(salt) | H(poolName | userId | ":" | password)), the salt as SALT's hex. */
export function privateKey(userPoolId: string, userId: string, password: string, saltHex: string): bigint {
  const inner = sha256(`${poolNameOf(userPoolId)}${userId}:${password}`).toString('hex');
  return toBigInt(sha256(hexBytes(BigInt(`0x${saltHex}`)), Buffer.from(inner, 'hex')));
}

/**
 * PASSWORD_CLAIM_SIGNATURE from the shared secret S: the key is HKDF-SHA256 with salt PAD(u) and info
 * "Caldera Derived Key" (16 bytes); the signature is HMAC(key, poolName | userId | SECRET_BLOCK bytes | TIMESTAMP).
 */
export function passwordClaimSignature(userPoolId: string, userId: string, u: bigint, S: bigint, secretBlock: string, timestamp: string): Buffer {
  const prk = createHmac('sha256', hexBytes(u)).update(hexBytes(S)).digest();
  const key = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])])).digest().subarray(0, 16);
  return createHmac('sha256', key)
    .update(Buffer.concat([
      Buffer.from(poolNameOf(userPoolId), 'utf8'),
      Buffer.from(userId, 'utf8'),
      Buffer.from(secretBlock, 'base64'),
      Buffer.from(timestamp, 'utf8'),
    ]))
    .digest();
}

/** What the pool keeps instead of a password: the salt (hex, as sent in SALT) and v = g^x mod N. */
export interface SrpVerifier {
  readonly salt: string;
  readonly verifier: bigint;
}

/** The part of a user pool id after the region: `us-east-1_AbC` -> `AbC`. */
export function poolNameOf(userPoolId: string): string {
  return userPoolId.split('_')[1] ?? '';
}

/** x = H(PAD(salt) | H(poolName | userId | ":" | password)), v = g^x mod N. */
export function createVerifier(userPoolId: string, userId: string, password: string, salt: Buffer = randomBytes(16)): SrpVerifier {
  const saltHex = padHex(toBigInt(salt));
  return { salt: saltHex, verifier: modPow(g, privateKey(userPoolId, userId, password, saltHex), N) };
}

/** A client's password claim, as sent in RespondToAuthChallenge PASSWORD_VERIFIER. */
export interface PasswordClaim {
  readonly secretBlock: string;
  readonly signature: string;
  readonly timestamp: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Cognito's TIMESTAMP: "ddd MMM D HH:mm:ss UTC YYYY", day not padded, e.g. "Tue Dec 1 09:05:03 UTC 2026". */
export function formatTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} `
    + `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** Whether a TIMESTAMP has Cognito's exact format (a padded day or a wrong weekday is refused, as Cognito does). */
export function isValidTimestamp(timestamp: string): boolean {
  const match = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) ([1-9]\d?) (\d\d):(\d\d):(\d\d) UTC (\d{4})$/.exec(timestamp);
  if (!match) {
    return false;
  }
  const [, , month, day, hours, minutes, seconds, year] = match;
  const date = new Date(Date.UTC(Number(year), MONTHS.indexOf(month), Number(day), Number(hours), Number(minutes), Number(seconds)));
  return MONTHS.includes(month) && formatTimestamp(date) === timestamp;
}

/**
 * One PASSWORD_VERIFIER step: B from the user's verifier and a random b, then the check of the
 * client's claim. For an unknown user, pass a verifier of a random password: the challenge looks the
 * same and the claim can never be right.
 */
export class SrpServerSession {
  /** SRP_B, hex. */
  public readonly serverPublic: string;
  /** SECRET_BLOCK: opaque to the client, echoed back in the claim and signed with the key. */
  public readonly secretBlock = randomBytes(64).toString('base64');
  private readonly b = toBigInt(randomBytes(32));
  private readonly B: bigint;

  public constructor(private readonly verifier: SrpVerifier) {
    this.B = (k * verifier.verifier + modPow(g, this.b, N)) % N;
    this.serverPublic = this.B.toString(16);
  }

  /** Whether the claim proves the password, for the client's SRP_A (hex) and the user's USER_ID_FOR_SRP. */
  public verify(userPoolId: string, userId: string, clientPublicHex: string, claim: PasswordClaim): boolean {
    if (!/^[0-9a-fA-F]+$/.test(clientPublicHex) || claim.secretBlock !== this.secretBlock || !isValidTimestamp(claim.timestamp)) {
      return false;
    }
    const A = BigInt(`0x${clientPublicHex}`);
    if (A % N === 0n) {
      return false;
    }
    const u = scramblingParameter(A, this.B);
    if (u === 0n) {
      return false;
    }
    const S = modPow(A * modPow(this.verifier.verifier, u, N), this.b, N);
    const expected = passwordClaimSignature(userPoolId, userId, u, S, claim.secretBlock, claim.timestamp);
    const given = Buffer.from(claim.signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
