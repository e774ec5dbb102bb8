import { encodeMetadata, issueCode } from '../../lambda/codes';

/** A session entry as Cognito passes it to Define and Create (loosely typed: tests feed it bad values). */
export interface Entry {
  readonly challengeName: unknown;
  readonly challengeResult: unknown;
  readonly challengeMetadata?: unknown;
}

/** challengeMetadata exactly as Create writes it, from the real codes module. Expires in five minutes unless told. */
export function metadataFor(challengeNumber: number, code = '123456', expiresAt = Date.now() + 5 * 60_000): string {
  return encodeMetadata(issueCode(code, challengeNumber, expiresAt));
}

/** A CUSTOM_CHALLENGE entry: challenge `challengeNumber` answered right (true) or wrong (false). */
export function custom(challengeNumber: number, challengeResult: unknown, challengeMetadata: unknown = metadataFor(challengeNumber)): Entry {
  return { challengeName: 'CUSTOM_CHALLENGE', challengeResult, challengeMetadata };
}

export function srpA(challengeResult: unknown = true): Entry {
  return { challengeName: 'SRP_A', challengeResult, challengeMetadata: '' };
}

export function passwordVerifier(challengeResult: unknown = true): Entry {
  return { challengeName: 'PASSWORD_VERIFIER', challengeResult, challengeMetadata: '' };
}

/** Any other step Cognito can record (SMS_MFA, DEVICE_SRP_AUTH, ...). */
export function other(challengeName: string, challengeResult: unknown = true): Entry {
  return { challengeName, challengeResult, challengeMetadata: '' };
}
