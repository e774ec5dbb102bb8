import { decodeMetadata, IssuedCode } from './codes';
import type { ChallengeConfig } from './config';

/**
 * Where a sign-in stands, derived from Cognito's session alone. Define turns it into its answer;
 * Create uses it to number the challenge and to reuse the code after a wrong answer.
 */
export type Progress =
  | { readonly next: 'PASSWORD_VERIFIER' }
  | {
    readonly next: 'CUSTOM_CHALLENGE';
    /** 1-based number of the challenge to present. */
    readonly challengeNumber: number;
    /** Wrong answers already given to this challenge. */
    readonly wrongAnswers: number;
    /** The code of this challenge, when the previous answer to it was wrong. */
    readonly pendingCode?: IssuedCode;
  }
  | { readonly next: 'ISSUE_TOKENS' }
  | { readonly next: 'FAIL'; readonly reason: string };

const fail = (reason: string): Progress => ({ next: 'FAIL', reason });

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? value as Record<string, unknown> : {};
}

function isEntry(entry: unknown, challengeName: string, challengeResult: boolean): boolean {
  const { challengeName: name, challengeResult: result } = asRecord(entry);
  return name === challengeName && result === challengeResult;
}

/**
 * Walks the whole session by position: the password prefix (when required) must be exactly
 * SRP_A:true then PASSWORD_VERIFIER:true, and every later entry must be a CUSTOM_CHALLENGE whose
 * metadata names the challenge expected at that point. Anything else fails closed.
 */
export function walkSession(session: unknown, config: ChallengeConfig): Progress {
  if (!Array.isArray(session)) {
    return fail('malformed session');
  }
  let position = 0;
  if (config.passwordFirst) {
    if (!isEntry(session[0], 'SRP_A', true)) {
      return fail('password step missing');
    }
    if (session.length === 1) {
      return { next: 'PASSWORD_VERIFIER' };
    }
    if (!isEntry(session[1], 'PASSWORD_VERIFIER', true)) {
      return fail('password not verified');
    }
    position = 2;
  }

  let challengeNumber = 1;
  let wrongAnswers = 0;
  let pendingCode: IssuedCode | undefined;
  for (const entry of session.slice(position)) {
    if (challengeNumber > config.challengeCount) {
      return fail('step after the last challenge');
    }
    const { challengeName, challengeResult: result, challengeMetadata } = asRecord(entry);
    if (challengeName !== 'CUSTOM_CHALLENGE' || typeof result !== 'boolean') {
      return fail('unexpected step');
    }
    const issued = decodeMetadata(challengeMetadata);
    if (issued?.challengeNumber !== challengeNumber) {
      return fail('challenge out of sequence');
    }
    if (result) {
      challengeNumber += 1;
      wrongAnswers = 0;
      pendingCode = undefined;
    } else {
      wrongAnswers += 1;
      pendingCode = issued;
      if (wrongAnswers >= config.maxAttempts) {
        return fail('attempts exhausted');
      }
    }
  }
  if (challengeNumber > config.challengeCount) {
    return { next: 'ISSUE_TOKENS' };
  }
  return { next: 'CUSTOM_CHALLENGE', challengeNumber, wrongAnswers, pendingCode };
}

/** Define's answer to Cognito. */
export interface DefineDecision {
  readonly challengeName?: 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE';
  readonly issueTokens: boolean;
  readonly failAuthentication: boolean;
}

/**
 * Define's decision: the next step, tokens only when every required step succeeded for a user who
 * exists, and failure for anything else (including a missing configuration).
 */
export function decideNextStep(session: unknown, userNotFound: boolean, config: ChallengeConfig | undefined): DefineDecision {
  const progress: Progress = config ? walkSession(session, config) : fail('misconfigured');
  switch (progress.next) {
    case 'PASSWORD_VERIFIER':
    case 'CUSTOM_CHALLENGE':
      return { challengeName: progress.next, issueTokens: false, failAuthentication: false };
    case 'ISSUE_TOKENS':
      return { issueTokens: !userNotFound, failAuthentication: userNotFound };
    default:
      return { issueTokens: false, failAuthentication: true };
  }
}
