import { maskedEmailDestination, maskEmail } from '../../lambda/mask';

/** One character, three stars, @, one character, three stars, then the top-level domain. */
const MASKED = /^[^@*]\*\*\*@[^@*.]\*\*\*\.[^@*.]+$/u;
/** What an address derived from a username looks like: letters only, always .com. */
const DERIVED = /^[a-z]\*\*\*@[a-z]\*\*\*\.com$/;

describe('maskEmail', () => {
  test.each([
    ['jane.doe@example.com', 'j***@e***.com'],
    ['Jane.Doe@Example.COM', 'j***@e***.com'],
    ['  jane.doe@example.com\t', 'j***@e***.com'],
    ['a@b.co', 'a***@b***.co'],
    ['first.last+tag@mail.example.co.uk', 'f***@m***.uk'],
    ['"odd@local"@example.org', '"***@e***.org'],
    ['élodie@exämple.fr', 'é***@e***.fr'],
    ['😀smile@example.com', '😀***@e***.com'],
    ['1234@example.net', '1***@e***.net'],
  ])('masks %s as %s', (address, masked) => {
    expect(maskEmail(address)).toBe(masked);
  });

  test.each([
    ['empty', ''],
    ['blank', '   '],
    ['without @', 'jane.doe'],
    ['without a local part', '@example.com'],
    ['without a domain', 'jane@'],
    ['with a domain without a dot', 'jane@localhost'],
    ['with a domain ending in a dot', 'jane@example.'],
    ['with a domain starting with a dot', 'jane@.com'],
  ])('gives undefined for an address %s', (_name, address) => {
    expect(maskEmail(address)).toBeUndefined();
  });

  test('shows one character of the local part and of the domain, nothing more', () => {
    const masked = maskEmail('jonathan.example@mailprovider.com')!;
    expect(masked).toMatch(MASKED);
    expect(masked).not.toContain('jo');
    expect(masked).not.toContain('ma');
  });
});

describe('maskedEmailDestination', () => {
  test('masks the user\'s address when there is one, whatever the username', () => {
    expect(maskedEmailDestination('jane.doe@example.org', 'jane')).toBe('j***@e***.org');
    expect(maskedEmailDestination('jane.doe@example.org', 'someone@else.net')).toBe('j***@e***.org');
    expect(maskedEmailDestination('Jane.Doe@Example.ORG', '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d')).toBe('j***@e***.org');
  });

  test('masks an email-shaped username when there is no address (unknown user, email sign-in)', () => {
    expect(maskedEmailDestination(undefined, 'ghost@example.net')).toBe('g***@e***.net');
    expect(maskedEmailDestination('', 'ghost@example.net')).toBe('g***@e***.net');
    expect(maskedEmailDestination('not an address', 'ghost@example.net')).toBe('g***@e***.net');
  });

  test('is case-insensitive and ignores surrounding spaces in the username', () => {
    expect(maskedEmailDestination(undefined, 'Ghost@Example.NET')).toBe(maskedEmailDestination(undefined, 'ghost@example.net'));
    expect(maskedEmailDestination(undefined, 'NoBody')).toBe(maskedEmailDestination(undefined, 'nobody'));
    expect(maskedEmailDestination(undefined, '  nobody ')).toBe(maskedEmailDestination(undefined, 'nobody'));
  });

  test.each(['nobody', 'alice', 'user-42', '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d', '', 'x', 'ghost@localhost', '+15555550100'])(
    'derives a deterministic x***@y***.com address from the non-email username %p',
    (username) => {
      const first = maskedEmailDestination(undefined, username);
      expect(first).toMatch(DERIVED);
      expect(maskedEmailDestination(undefined, username)).toBe(first);
      expect(maskedEmailDestination('', username)).toBe(first);
    },
  );

  test('derives different addresses for different usernames', () => {
    const derived = new Set(Array.from({ length: 200 }, (_, i) => maskedEmailDestination(undefined, `user-${i}`)));
    // 676 possible letter pairs: 200 names land on many of them, not on one.
    expect(derived.size).toBeGreaterThan(50);
  });

  test.each([
    { name: 'a known user with an address', email: 'jane.doe@example.com', username: 'jane' },
    { name: 'a known user signing in by email', email: 'jane.doe@example.com', username: 'jane.doe@example.com' },
    { name: 'an unknown user with an email-shaped name', email: undefined, username: 'ghost@example.com' },
    { name: 'an unknown user with a plain name', email: undefined, username: 'nobody' },
    { name: 'an unknown user with a UUID name', email: undefined, username: '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d' },
  ])('has the same shape for $name', ({ email, username }) => {
    expect(maskedEmailDestination(email, username)).toMatch(MASKED);
  });
});
