import fc from 'fast-check';
import { encodeMetadata, generateCode, issueCode, IssuedCode } from '../../lambda/codes';
import type { ChallengeConfig } from '../../lambda/config';

/**
 * fast-check arbitraries for Cognito sessions as Define and Create receive them. Every generated
 * entry carries its ground truth (what the generator put there), so the test oracle never has to
 * parse a session the way lambda/session.ts does.
 */

/** The challenge names Cognito records in a custom-auth session (the ChallengeNameType values it can put there). */
export const COGNITO_CHALLENGE_NAMES = [
  'CUSTOM_CHALLENGE', 'SRP_A', 'PASSWORD_VERIFIER', 'SMS_MFA', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER', 'ADMIN_NO_SRP_AUTH',
] as const;

/** Names one typo away from a real one: a handler that normalises or trims would accept them. */
const NEAR_MISS_NAMES = [
  'custom_challenge', 'CUSTOM_CHALLENGE ', ' CUSTOM_CHALLENGE', 'CUSTOM_CHALLENGE\u0000', 'CUSTOM\u200bCHALLENGE',
  'srp_a', 'SRP_A ', 'PASSWORD_VERIFIER\n', 'Password_Verifier', 'SOFTWARE_TOKEN_MFA', 'NEW_PASSWORD_REQUIRED', 'EMAIL_OTP', '',
];

/** Any value at all (kept small: a session is JSON from Cognito, and big values only slow the runs). */
const junk: fc.Arbitrary<unknown> = fc.anything({ maxDepth: 1, maxKeys: 3, size: 'xsmall' });

/** What the generator knows about one session entry. */
export interface TruthEntry {
  /** What goes into `request.session`. */
  readonly raw: unknown;
  /** The entry is an object with these exact values (undefined for junk entries such as `null` or `42`). */
  readonly name?: unknown;
  readonly result?: unknown;
  /**
   * The challenge number Create wrote into this entry's metadata through the real issueCode/encodeMetadata,
   * and the code it recorded; undefined when the metadata is anything else (junk, tampered, absent).
   */
  readonly issuedFor?: number;
  readonly issued?: IssuedCode;
}

/**
 * Metadata exactly as Create writes it, through the real generateCode/issueCode/encodeMetadata: a few
 * variants per challenge number (code lengths 6 to 10, expiries past and future), made once and
 * reused, so that ten thousand runs do not spend their time hashing. Define reads only the challenge
 * number from metadata; the variants keep the rest realistic.
 */
const VARIANTS = 10;
const made = new Map<number, Array<{ readonly metadata: string; readonly issued: IssuedCode }>>();

export function realMetadata(challengeNumber: number, variant: number): { readonly metadata: string; readonly issued: IssuedCode } {
  let variants = made.get(challengeNumber);
  if (variants === undefined) {
    const now = Date.now();
    variants = Array.from({ length: VARIANTS }, (_, i) => {
      const issued = issueCode(generateCode(6 + (i % 5)), challengeNumber, i % 3 === 2 ? now - i * 60_000 : now + (i + 1) * 60_000);
      return { metadata: encodeMetadata(issued), issued };
    });
    made.set(challengeNumber, variants);
  }
  return variants[variant % VARIANTS];
}

export function validMetadata(challengeNumber: number): fc.Arbitrary<{ readonly metadata: string; readonly issued: IssuedCode }> {
  return fc.nat({ max: VARIANTS - 1 }).map((variant) => realMetadata(challengeNumber, variant));
}

/** Metadata that is not what Create wrote: junk of every type, and real metadata with its structure broken. */
const brokenMetadata: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, '', 'CODE-1', 'CODE-1-6', 0, 1, true, {}, [], { challengeNumber: 1 }),
  fc.string(),
  junk,
  fc.tuple(validMetadata(1), fc.integer({ min: 0, max: 4 })).map(([{ metadata }, how]) => [
    ` ${metadata}`,
    `${metadata}-x`,
    metadata.slice(0, -1),
    metadata.toUpperCase(),
    metadata.replace(/^CODE-/, 'code-'),
  ][how]),
);

/** Challenge numbers a tampered or misplaced metadata might carry: in range, out of range, negative. */
const anyChallengeNumber = fc.oneof(fc.integer({ min: 1, max: 11 }), fc.integer({ min: -3, max: 120 }));

type MetadataTruth = Pick<TruthEntry, 'issuedFor' | 'issued'> & { readonly metadata: unknown };

const anyMetadata: fc.Arbitrary<MetadataTruth> = fc.oneof(
  { weight: 3, arbitrary: anyChallengeNumber.chain((n) => validMetadata(n).map(({ metadata, issued }) => ({ metadata, issuedFor: n, issued }))) },
  { weight: 2, arbitrary: brokenMetadata.map((metadata) => ({ metadata })) },
);

const anyName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COGNITO_CHALLENGE_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...NEAR_MISS_NAMES) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: junk },
);

/** Booleans mostly, and the junk a careless handler might take for one. */
export const anyResult: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constantFrom('true', 'false', 1, 0, null, undefined, '', 'TRUE', [], {}, [true], new Boolean(true)) },
  { weight: 1, arbitrary: junk },
);

function entry(name: unknown, result: unknown, meta: { metadata: unknown; issuedFor?: number; issued?: IssuedCode }): TruthEntry {
  return {
    raw: { challengeName: name, challengeResult: result, challengeMetadata: meta.metadata },
    name,
    result,
    issuedFor: meta.issuedFor,
    issued: meta.issued,
  };
}

/** One arbitrary entry: any name, any result, any metadata, or no entry-shaped object at all. */
export const anyEntry: fc.Arbitrary<TruthEntry> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(anyName, anyResult, anyMetadata).map(([name, result, meta]) => entry(name, result, meta)) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.constantFrom(null, undefined, 0, 1, 'CUSTOM_CHALLENGE', true, []), junk)
      .map((raw): TruthEntry => ({ raw })),
  },
);

/** The entry with some fields replaced (a junk entry, which has no fields, stays as it is). */
function changed(
  original: TruthEntry,
  fields: { name?: unknown; result?: unknown; metadata?: unknown; issuedFor?: number; issued?: IssuedCode },
): TruthEntry {
  if (typeof original.raw !== 'object' || original.raw === null || !('challengeName' in original.raw)) {
    return original;
  }
  const raw = original.raw as { challengeMetadata?: unknown };
  const name = 'name' in fields ? fields.name : original.name;
  const result = 'result' in fields ? fields.result : original.result;
  const meta = 'metadata' in fields
    ? { metadata: fields.metadata, issuedFor: fields.issuedFor, issued: fields.issued }
    : { metadata: raw.challengeMetadata, issuedFor: original.issuedFor, issued: original.issued };
  return entry(name, result, meta);
}

const passwordStep = (name: 'SRP_A' | 'PASSWORD_VERIFIER', result: unknown): TruthEntry =>
  entry(name, result, { metadata: '' });

/** An edit applied to a session on the path: each can turn a good session into a bad one. */
type Mutation =
  | { readonly op: 'delete' | 'duplicate' | 'swap'; readonly at: number }
  | { readonly op: 'insert' | 'replace'; readonly at: number; readonly entry: TruthEntry }
  /** Keep the entry, change one field: its name, its result, or its metadata. */
  | { readonly op: 'rename'; readonly at: number; readonly name: unknown }
  | { readonly op: 'retype'; readonly at: number; readonly result: unknown }
  | { readonly op: 'remeta'; readonly at: number; readonly meta: MetadataTruth };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap' as const), at: fc.nat() }),
  fc.record({ op: fc.constantFrom('insert' as const, 'replace' as const), at: fc.nat(), entry: anyEntry }),
  fc.record({ op: fc.constant('rename' as const), at: fc.nat(), name: anyName }),
  fc.record({ op: fc.constant('retype' as const), at: fc.nat(), result: anyResult }),
  fc.record({ op: fc.constant('remeta' as const), at: fc.nat(), meta: anyMetadata }),
);

function mutate(entries: TruthEntry[], edit: Mutation): TruthEntry[] {
  const out = [...entries];
  const at = out.length === 0 ? 0 : edit.at % out.length;
  switch (edit.op) {
    case 'delete': out.splice(at, 1); break;
    case 'duplicate': if (out.length > 0) out.splice(at, 0, out[at]); break;
    case 'swap': if (out.length > 1) [out[at], out[(at + 1) % out.length]] = [out[(at + 1) % out.length], out[at]]; break;
    case 'insert': out.splice(edit.at % (out.length + 1), 0, edit.entry); break;
    case 'replace': if (out.length > 0) out[at] = edit.entry; else out.push(edit.entry); break;
    case 'rename': if (out.length > 0) out[at] = changed(out[at], { name: edit.name }); break;
    case 'retype': if (out.length > 0) out[at] = changed(out[at], { result: edit.result }); break;
    case 'remeta': if (out.length > 0) out[at] = changed(out[at], { metadata: edit.meta.metadata, issuedFor: edit.meta.issuedFor, issued: edit.meta.issued }); break;
  }
  return out;
}

/**
 * A session on or near the path a real sign-in takes under `config`: the password prefix (right,
 * wrong, partial or absent), then challenges 1..k each after 0..maxAttempts wrong answers (one more
 * than allowed included), sometimes cut short (a sign-in in progress), then up to two random edits (delete, duplicate, swap, insert or replace an entry). Most outcomes (tokens, a further challenge,
 * the password step, every kind of failure) are reached often, which purely random sessions would not.
 */
export function sessionNearThePath(config: ChallengeConfig): fc.Arbitrary<TruthEntry[]> {
  const { challengeCount, maxAttempts, passwordFirst } = config;
  const prefix = fc.oneof(
    { weight: 6, arbitrary: fc.constant(passwordFirst ? 'SP' : '') },
    { weight: 1, arbitrary: fc.constantFrom('', 'S', 'SP', 'Sp', 'sP', 'P', 'PS', 'SPSP') },
  );
  // Wrong answers before each challenge's right one: none, the boundary values, or any number in between.
  const wrongCount = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(0, 0, 1, Math.max(0, maxAttempts - 1)) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: maxAttempts - 1 }) },
  );
  // Sometimes one challenge gets exactly maxAttempts wrong answers (the budget spent).
  const overdrawn = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: challengeCount + 1 }) },
  );
  // A sign-in still in progress: the path cut short, in one session of four.
  const cutAt = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: 2 * challengeCount + 2 }) });
  // Up to two random edits, in two sessions of five.
  const edits = fc.oneof(
    { weight: 3, arbitrary: fc.constant([]) },
    { weight: 2, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }) },
  );
  // How many challenges were answered right: any, all (tokens), or one too many.
  const answered = fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 0, max: challengeCount }) },
    { weight: 2, arbitrary: fc.constant(challengeCount) },
    { weight: 1, arbitrary: fc.constant(challengeCount + 1) },
  );
  return fc.tuple(
    prefix,
    fc.array(wrongCount, { minLength: challengeCount + 1, maxLength: challengeCount + 1 }),
    answered,
    overdrawn,
    fc.nat({ max: VARIANTS - 1 }),
    cutAt,
    edits,
  ).map(([symbols, wrongs, rightAnswers, overdrawnChallenge, variant, cut, changes]) => {
    const custom = (k: number, result: boolean): TruthEntry => entry('CUSTOM_CHALLENGE', result, { ...realMetadata(k, variant), issuedFor: k });
    // (Generated values are never changed in place: fast-check replays them while shrinking.)
    const wrongAnswers = wrongs.map((count, i) => (i === (overdrawnChallenge ?? 0) - 1 ? maxAttempts : count));
    const entries = Array.from(symbols, (symbol) =>
      passwordStep(symbol.toUpperCase() === 'S' ? 'SRP_A' : 'PASSWORD_VERIFIER', symbol === symbol.toUpperCase()));
    for (let k = 1; k <= Math.min(rightAnswers + 1, challengeCount); k++) {
      for (let w = 0; w < wrongAnswers[k - 1]; w++) {
        entries.push(custom(k, false));
      }
      if (k <= rightAnswers) {
        entries.push(custom(k, true));
      }
    }
    if (rightAnswers > challengeCount) {
      entries.push(custom(challengeCount + 1, wrongAnswers[challengeCount] === 0));
    }
    if (cut !== null) {
      entries.length = Math.min(entries.length, cut);
    }
    return changes.reduce(mutate, entries);
  });
}

/** Any configuration the construct can deploy. */
export const anyConfig: fc.Arbitrary<ChallengeConfig> = fc.record({
  challengeCount: fc.integer({ min: 1, max: 10 }),
  passwordFirst: fc.boolean(),
  maxAttempts: fc.integer({ min: 1, max: 10 }),
});

/** A configuration and a session for it: mostly near the path, sometimes any entries at all, of any length. */
export const configAndSession: fc.Arbitrary<{ config: ChallengeConfig; entries: TruthEntry[] }> = anyConfig.chain((config) =>
  fc.oneof(
    { weight: 4, arbitrary: sessionNearThePath(config) },
    { weight: 1, arbitrary: fc.array(anyEntry, { maxLength: 30 }) },
  ).map((entries) => ({ config, entries })),
);
