import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * A code as the server keeps it: a salted SHA-256 digest, never the code itself. The digest travels
 * in Cognito's server-side session (challengeMetadata, so a retry reuses the code without a second
 * message) and in privateChallengeParameters (for Verify); the code exists only in Create's memory
 * and in the message the user receives.
 */
export interface IssuedCode {
  readonly challengeNumber: number;
  readonly codeLength: number;
  /** Epoch milliseconds after which the code is no longer accepted. */
  readonly expiresAt: number;
  readonly salt: string;
  readonly digest: string;
}

const HEX_SALT = /^[0-9a-f]{32}$/;
const HEX_DIGEST = /^[0-9a-f]{64}$/;
const METADATA = /^CODE-(\d{1,2})-(\d{1,2})-(\d{13})-([0-9a-f]{32})-([0-9a-f]{64})$/;

function digestOf(salt: string, code: string): string {
  return createHash('sha256').update(salt).update(':').update(code).digest('hex');
}

/** A uniformly random code of `codeLength` digits (leading zeros kept) from the CSPRNG. */
export function generateCode(codeLength: number): string {
  return randomInt(0, 10 ** codeLength).toString().padStart(codeLength, '0');
}

export function issueCode(code: string, challengeNumber: number, expiresAt: number): IssuedCode {
  const salt = randomBytes(16).toString('hex');
  return { challengeNumber, codeLength: code.length, expiresAt, salt, digest: digestOf(salt, code) };
}

export function encodeMetadata(issued: IssuedCode): string {
  return `CODE-${issued.challengeNumber}-${issued.codeLength}-${issued.expiresAt}-${issued.salt}-${issued.digest}`;
}

/** The code recorded in a session entry's challengeMetadata, or undefined if it is not ours. */
export function decodeMetadata(metadata: unknown): IssuedCode | undefined {
  const match = typeof metadata === 'string' ? METADATA.exec(metadata) : null;
  if (!match) {
    return undefined;
  }
  const [, challengeNumber, codeLength, expiresAt, salt, digest] = match;
  return { challengeNumber: Number(challengeNumber), codeLength: Number(codeLength), expiresAt: Number(expiresAt), salt, digest };
}

export function toPrivateParameters(issued: IssuedCode): Record<string, string> {
  return {
    codeLength: String(issued.codeLength),
    expiresAt: String(issued.expiresAt),
    salt: issued.salt,
    digest: issued.digest,
  };
}

/**
 * True only for a well-formed answer that matches an unexpired code. The answer's format is checked
 * first; the digests (always 32 bytes) are then compared in constant time.
 */
export function answerMatches(privateParameters: unknown, answer: unknown, now: number): boolean {
  if (typeof privateParameters !== 'object' || privateParameters === null) {
    return false;
  }
  const { codeLength, expiresAt, salt, digest } = privateParameters as Record<string, unknown>;
  if (typeof codeLength !== 'string' || !/^\d{1,2}$/.test(codeLength)
    || typeof expiresAt !== 'string' || !/^\d{13}$/.test(expiresAt)
    || typeof salt !== 'string' || !HEX_SALT.test(salt)
    || typeof digest !== 'string' || !HEX_DIGEST.test(digest)) {
    return false;
  }
  if (typeof answer !== 'string' || answer.length !== Number(codeLength) || !/^\d+$/.test(answer)) {
    return false;
  }
  const matches = timingSafeEqual(Buffer.from(digestOf(salt, answer), 'hex'), Buffer.from(digest, 'hex'));
  return matches && now <= Number(expiresAt);
}
