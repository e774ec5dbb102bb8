import { createHash } from 'node:crypto';
import {
  answerMatches, decodeMetadata, encodeMetadata, generateCode, issueCode, IssuedCode, toPrivateParameters,
} from '../../lambda/codes';

/** A fixed expiry whose digits hold none of the codes used below, so "contains the code" checks mean what they say. */
const EXPIRES_AT = 1_767_225_613_579;
const NOW = EXPIRES_AT - 60_000;

describe('generateCode', () => {
  test.each([6, 7, 8, 9, 10])('gives exactly %i ASCII digits', (codeLength) => {
    for (let i = 0; i < 500; i++) {
      expect(generateCode(codeLength)).toMatch(new RegExp(`^[0-9]{${codeLength}}$`));
    }
  });

  test('keeps leading zeros', () => {
    const codes = Array.from({ length: 2000 }, () => generateCode(6));
    expect(codes.every((code) => code.length === 6)).toBe(true);
    // P(no code of 2000 starts with 0) = 0.9^2000: never.
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
  });

  test('uniformity smoke test: over 20000 codes every digit appears in every position, about as often', () => {
    const samples = 20_000;
    const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < samples; i++) {
      Array.from(generateCode(6)).forEach((digit, position) => {
        counts[position][Number(digit)] += 1;
      });
    }
    // Expected 2000 per cell, standard deviation about 42: 1700..2300 is a 7-sigma band. A per-digit
    // randomInt(0, 9) (no 9s) or a modulo-biased generator falls far outside it.
    for (const [position, row] of counts.entries()) {
      for (const [digit, count] of row.entries()) {
        if (count < 1700 || count > 2300) {
          throw new Error(`digit ${digit} appeared ${count} times in position ${position}`);
        }
      }
    }
    expect(counts.flat().reduce((sum, count) => sum + count, 0)).toBe(samples * 6);
  });

  test('does not repeat itself', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => generateCode(10)));
    expect(codes.size).toBeGreaterThan(995);
  });
});

describe('issueCode', () => {
  test.each(['123456', '000000', '999999', '987654', '0123456789'])('never holds the code %s in any field', (code) => {
    const issued = issueCode(code, 2, EXPIRES_AT);

    expect(Object.keys(issued).sort()).toEqual(['challengeNumber', 'codeLength', 'digest', 'expiresAt', 'salt']);
    expect(issued).toMatchObject({ challengeNumber: 2, codeLength: code.length, expiresAt: EXPIRES_AT });
    expect(issued.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(issued.digest).toMatch(/^[0-9a-f]{64}$/);
    for (const value of Object.values(issued)) {
      expect(String(value)).not.toContain(code);
    }
    for (const value of [encodeMetadata(issued), JSON.stringify(toPrivateParameters(issued))]) {
      expect(value).not.toContain(code);
    }
    // The digest is salted: not the plain SHA-256 of the code, which a table would reverse.
    expect(issued.digest).not.toBe(createHash('sha256').update(code).digest('hex'));
  });

  test('salts each issue anew: the same code twice gives two digests', () => {
    const first = issueCode('123456', 1, EXPIRES_AT);
    const second = issueCode('123456', 1, EXPIRES_AT);
    expect(second.salt).not.toBe(first.salt);
    expect(second.digest).not.toBe(first.digest);
  });

  test('private parameters carry exactly what Verify needs, as strings', () => {
    const issued = issueCode('123456', 1, EXPIRES_AT);
    expect(toPrivateParameters(issued)).toEqual({
      codeLength: '6',
      expiresAt: String(EXPIRES_AT),
      salt: issued.salt,
      digest: issued.digest,
    });
  });
});

describe('challenge metadata', () => {
  test.each([
    { challengeNumber: 1, code: '123456' },
    { challengeNumber: 3, code: '0000000' },
    { challengeNumber: 10, code: '9876543210' },
  ])('round-trips challenge $challengeNumber with a $code.length-digit code', ({ challengeNumber, code }) => {
    const issued = issueCode(code, challengeNumber, EXPIRES_AT);
    const metadata = encodeMetadata(issued);

    expect(metadata).toMatch(/^CODE-/);
    expect(decodeMetadata(metadata)).toEqual(issued);
  });

  const valid = issueCode('123456', 1, EXPIRES_AT);
  const good = encodeMetadata(valid);
  const salt = valid.salt;
  const digest = valid.digest;

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 123456],
    ['an object', { ...valid }],
    ['an array', [good]],
    ['an empty string', ''],
    ['the prefix alone', 'CODE-'],
    ['another prefix', good.replace(/^CODE-/, 'OTP-')],
    ['a lower-case prefix', good.replace(/^CODE-/, 'code-')],
    ['a leading space', ` ${good}`],
    ['a trailing newline', `${good}\n`],
    ['trailing data', `${good}-extra`],
    ['a three-digit challenge number', `CODE-100-6-${EXPIRES_AT}-${salt}-${digest}`],
    ['a negative challenge number', `CODE--1-6-${EXPIRES_AT}-${salt}-${digest}`],
    ['a missing code length', `CODE-1--${EXPIRES_AT}-${salt}-${digest}`],
    ['a 12-digit expiry', `CODE-1-6-${String(EXPIRES_AT).slice(1)}-${salt}-${digest}`],
    ['a 14-digit expiry', `CODE-1-6-${EXPIRES_AT}0-${salt}-${digest}`],
    ['a short salt', `CODE-1-6-${EXPIRES_AT}-${salt.slice(2)}-${digest}`],
    ['an upper-case salt', `CODE-1-6-${EXPIRES_AT}-${salt.toUpperCase()}-${digest}`],
    ['a non-hex salt', `CODE-1-6-${EXPIRES_AT}-${'g'.repeat(32)}-${digest}`],
    ['a long digest', `CODE-1-6-${EXPIRES_AT}-${salt}-${digest}00`],
    ['a short digest', `CODE-1-6-${EXPIRES_AT}-${salt}-${digest.slice(1)}`],
    ['a missing digest', `CODE-1-6-${EXPIRES_AT}-${salt}`],
    ['fields in another order', `CODE-1-6-${salt}-${EXPIRES_AT}-${digest}`],
  ])('rejects %s', (_name, metadata) => {
    expect(decodeMetadata(metadata)).toBeUndefined();
  });
});

describe('answerMatches', () => {
  const CODE = '482915';
  const issued = issueCode(CODE, 1, EXPIRES_AT);
  const params = toPrivateParameters(issued);

  test('is true for the right answer', () => {
    expect(answerMatches(params, CODE, NOW)).toBe(true);
  });

  test('keeps leading zeros significant', () => {
    const withZeros = toPrivateParameters(issueCode('000123', 1, EXPIRES_AT));
    expect(answerMatches(withZeros, '000123', NOW)).toBe(true);
    expect(answerMatches(withZeros, '123', NOW)).toBe(false);
    expect(answerMatches(withZeros, '0000123', NOW)).toBe(false);
  });

  test.each([...CODE].map((_, position) => position))('is false when digit %i is wrong', (position) => {
    const digits = [...CODE];
    digits[position] = String((Number(digits[position]) + 1) % 10);
    expect(answerMatches(params, digits.join(''), NOW)).toBe(false);
  });

  test.each<[string, unknown]>([
    ['another code', '123456'],
    ['all zeros', '000000'],
    ['too short', CODE.slice(0, 5)],
    ['too long', `${CODE}0`],
    ['empty', ''],
    ['with a leading space', ` ${CODE.slice(1)}`],
    ['with a trailing newline', `${CODE.slice(0, 5)}\n`],
    ['padded', ` ${CODE} `],
    ['with a letter', `${CODE.slice(0, 5)}a`],
    ['with a sign', `+${CODE.slice(1)}`],
    ['in exponent form', '4.8e+5'],
    ['full-width digits', '４８２９１５'],
    ['Arabic-Indic digits', '٤٨٢٩١٥'],
    ['Devanagari digits', '४८२९१५'],
    ['a huge string', '4'.repeat(10_000_000)],
    ['a huge string starting with the code', CODE + '0'.repeat(1_000_000)],
    ['a number', Number(CODE)],
    ['a bigint', BigInt(CODE)],
    ['an array', [CODE]],
    ['an object with toString', { toString: () => CODE }],
    ['a String object', new String(CODE)],
    ['null', null],
    ['undefined', undefined],
  ])('is false for an answer %s', (_name, answer) => {
    expect(answerMatches(params, answer, NOW)).toBe(false);
  });

  test('is false for the right answer once expired, and true up to the expiry itself', () => {
    expect(answerMatches(params, CODE, EXPIRES_AT)).toBe(true);
    expect(answerMatches(params, CODE, EXPIRES_AT + 1)).toBe(false);
    expect(answerMatches(params, CODE, EXPIRES_AT + 24 * 3600_000)).toBe(false);
  });

  const otherSalt = issueCode(CODE, 1, EXPIRES_AT).salt;
  const otherDigest = issueCode('111111', 1, EXPIRES_AT).digest;

  test.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', JSON.stringify(params)],
    ['an array', [params.codeLength, params.expiresAt, params.salt, params.digest]],
    ['an empty object', {}],
    ['another salt', { ...params, salt: otherSalt }],
    ['another digest', { ...params, digest: otherDigest }],
    ['salt and digest swapped', { ...params, salt: params.digest.slice(0, 32), digest: params.salt + params.salt }],
    ['an upper-case salt', { ...params, salt: params.salt.toUpperCase() }],
    ['an upper-case digest', { ...params, digest: params.digest.toUpperCase() }],
    ['a short salt', { ...params, salt: params.salt.slice(2) }],
    ['a long salt', { ...params, salt: `${params.salt}00` }],
    ['a short digest', { ...params, digest: params.digest.slice(2) }],
    ['a long digest', { ...params, digest: `${params.digest}00` }],
    ['a non-hex digest', { ...params, digest: 'z'.repeat(64) }],
    ['a longer code length', { ...params, codeLength: '7' }],
    ['a shorter code length', { ...params, codeLength: '5' }],
    ['a zero code length', { ...params, codeLength: '0' }],
    ['a three-digit code length', { ...params, codeLength: '100' }],
    ['a non-numeric code length', { ...params, codeLength: 'six' }],
    ['a numeric code length', { ...params, codeLength: 6 }],
    ['a 12-digit expiry', { ...params, expiresAt: params.expiresAt.slice(1) }],
    ['a numeric expiry', { ...params, expiresAt: EXPIRES_AT }],
    ['a non-numeric expiry', { ...params, expiresAt: 'never' }],
    ['a missing codeLength', { expiresAt: params.expiresAt, salt: params.salt, digest: params.digest }],
    ['a missing expiresAt', { codeLength: params.codeLength, salt: params.salt, digest: params.digest }],
    ['a missing salt', { codeLength: params.codeLength, expiresAt: params.expiresAt, digest: params.digest }],
    ['a missing digest', { codeLength: params.codeLength, expiresAt: params.expiresAt, salt: params.salt }],
    ['null fields', { codeLength: null, expiresAt: null, salt: null, digest: null }],
  ])('is false for the right answer when the private parameters are %s', (_name, privateParameters) => {
    expect(answerMatches(privateParameters, CODE, NOW)).toBe(false);
  });

  test('accepts parameters rebuilt from the metadata (what a retry reuses)', () => {
    const fromMetadata = decodeMetadata(encodeMetadata(issued)) as IssuedCode;
    expect(answerMatches(toPrivateParameters(fromMetadata), CODE, NOW)).toBe(true);
  });

  test.each([6, 7, 8, 9, 10])('matches generated codes of length %i and nothing next to them', (codeLength) => {
    for (let i = 0; i < 50; i++) {
      const code = generateCode(codeLength);
      const privateParameters = toPrivateParameters(issueCode(code, 1, EXPIRES_AT));
      const neighbour = String((Number(code) + 1) % 10 ** codeLength).padStart(codeLength, '0');
      expect(answerMatches(privateParameters, code, NOW)).toBe(true);
      expect(answerMatches(privateParameters, neighbour, NOW)).toBe(false);
    }
  });
});
