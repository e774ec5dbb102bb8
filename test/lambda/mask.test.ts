import { maskDestination, maskEmail, maskPhone } from '../../lambda/mask';

/** One character, three stars, @, one character, three stars: no top-level domain. */
const MASKED = /^[^@*]\*\*\*@[^@*.]\*\*\*$/u;
/** What an address derived from a username looks like: a letter or digit, then a letter. */
const DERIVED = /^[a-z0-9]\*\*\*@[a-z]\*\*\*$/;
/** A masked phone number: a plus, six stars, the last four digits, whatever the number's length. */
const MASKED_PHONE = /^\+\*{6}[0-9]{4}$/;

describe('maskEmail', () => {
  test.each([
    ['jane.doe@example.com', 'j***@e***'],
    ['Jane.Doe@Example.COM', 'j***@e***'],
    ['  jane.doe@example.com\t', 'j***@e***'],
    ['a@b.co', 'a***@b***'],
    ['first.last+tag@mail.example.co.uk', 'f***@m***'],
    ['"odd@local"@example.org', '"***@e***'],
    ['élodie@exämple.fr', 'é***@e***'],
    ['😀smile@example.com', '😀***@e***'],
    ['1234@example.net', '1***@e***'],
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

  test('shows no top-level domain: .com, .org and .co.uk addresses look alike', () => {
    expect(new Set(['jane@example.com', 'jane@example.org', 'jane@example.co.uk', 'jane@example.de'].map(maskEmail))).toEqual(new Set(['j***@e***']));
  });

  test('shows one character of the local part and of the domain, nothing more', () => {
    const masked = maskEmail('jonathan.example@mailprovider.com')!;
    expect(masked).toMatch(MASKED);
    expect(masked).not.toContain('jo');
    expect(masked).not.toContain('ma');
  });
});

describe('maskDestination for email', () => {
  test('masks the user\'s address when there is one, whatever the username', () => {
    expect(maskDestination('email', 'jane.doe@example.org', 'jane')).toBe('j***@e***');
    expect(maskDestination('email', 'jane.doe@example.org', 'someone@else.net')).toBe('j***@e***');
    expect(maskDestination('email', 'Jane.Doe@Example.ORG', '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d')).toBe('j***@e***');
  });

  test('masks an email-shaped username when there is no address (unknown user, email sign-in)', () => {
    expect(maskDestination('email', undefined, 'ghost@example.net')).toBe('g***@e***');
    expect(maskDestination('email', '', 'ghost@example.net')).toBe('g***@e***');
    expect(maskDestination('email', 'not an address', 'ghost@example.net')).toBe('g***@e***');
  });

  test('is case-insensitive and ignores surrounding spaces in the username', () => {
    expect(maskDestination('email', undefined, 'Ghost@Example.NET')).toBe(maskDestination('email', undefined, 'ghost@example.net'));
    expect(maskDestination('email', undefined, 'NoBody')).toBe(maskDestination('email', undefined, 'nobody'));
    expect(maskDestination('email', undefined, '  nobody ')).toBe(maskDestination('email', undefined, 'nobody'));
  });

  test.each(['nobody', 'alice', 'user-42', '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d', '', 'x', 'ghost@localhost', '+15555550100'])(
    'derives a deterministic x***@y*** address from the non-email username %p',
    (username) => {
      const first = maskDestination('email', undefined, username);
      expect(first).toMatch(DERIVED);
      expect(maskDestination('email', undefined, username)).toBe(first);
      expect(maskDestination('email', '', username)).toBe(first);
    },
  );

  test('derives different addresses for different usernames', () => {
    const derived = new Set(Array.from({ length: 200 }, (_, i) => maskDestination('email', undefined, `user-${i}`)));
    // Hundreds of possible pairs, weighted: 200 names land on many of them, not on one.
    expect(derived.size).toBeGreaterThan(50);
  });

  test.each([
    { name: 'a known user with an address', email: 'jane.doe@example.com', username: 'jane' },
    { name: 'a known user signing in by email', email: 'jane.doe@example.com', username: 'jane.doe@example.com' },
    { name: 'an unknown user with an email-shaped name', email: undefined, username: 'ghost@example.com' },
    { name: 'an unknown user with a plain name', email: undefined, username: 'nobody' },
    { name: 'an unknown user with a UUID name', email: undefined, username: '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d' },
  ])('has the same shape for $name', ({ email, username }) => {
    expect(maskDestination('email', email, username)).toMatch(MASKED);
  });
});

describe('maskPhone', () => {
  test.each([
    ['+447700900123', '+******0123'],
    [' +15555550100\t', '+******0100'],
    ['+1234567', '+******4567'],
    ['+123456789012345', '+******2345'],
  ])('masks %p as %s', (phoneNumber, masked) => {
    expect(maskPhone(phoneNumber)).toBe(masked);
  });

  test.each([
    ['empty', ''],
    ['blank', '  '],
    ['without the plus', '447700900123'],
    ['with spaces', '+44 7700 900123'],
    ['with dashes', '+44-7700-900123'],
    ['with a letter', '+4477009001x3'],
    ['with two pluses', '++447700900123'],
    ['too short (6 digits)', '+123456'],
    ['too long (16 digits)', '+1234567890123456'],
    ['in other digits', '+٤٤٧٧٠٠٩٠٠١٢٣'],
    ['an email address', 'jane.doe@example.com'],
  ])('gives undefined for a number %s', (_name, phoneNumber) => {
    expect(maskPhone(phoneNumber)).toBeUndefined();
  });

  test('shows the last four digits only, at one length whatever the number\'s', () => {
    const short = maskPhone('+1234567')!;
    const long = maskPhone('+447700900123')!;
    expect(short).toMatch(MASKED_PHONE);
    expect(long).toMatch(MASKED_PHONE);
    expect(short.length).toBe(long.length);
    expect(long).not.toContain('44');
    expect(long).not.toContain('7700');
  });
});

describe('maskDestination for phone_number', () => {
  test('masks the user\'s number when there is one, whatever the username', () => {
    expect(maskDestination('phone_number', '+447700900123', 'priya')).toBe('+******0123');
    expect(maskDestination('phone_number', '+447700900123', '+15555550199')).toBe('+******0123');
    expect(maskDestination('phone_number', '+447700900123', 'ghost@example.net')).toBe('+******0123');
  });

  test('masks a phone-shaped username when there is no number (unknown user, phone sign-in)', () => {
    expect(maskDestination('phone_number', undefined, '+15555550199')).toBe('+******0199');
    expect(maskDestination('phone_number', '', '+15555550199')).toBe('+******0199');
    expect(maskDestination('phone_number', 'not a number', '+15555550199')).toBe('+******0199');
  });

  test.each(['nobody', 'priya', 'ghost@example.net', '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d', '', '447700900123'])(
    'derives a deterministic +******dddd number from the non-phone username %p',
    (username) => {
      const first = maskDestination('phone_number', undefined, username);
      expect(first).toMatch(MASKED_PHONE);
      expect(maskDestination('phone_number', undefined, username)).toBe(first);
      expect(maskDestination('phone_number', '', username)).toBe(first);
    },
  );

  test('is case-insensitive and ignores surrounding spaces in the username', () => {
    expect(maskDestination('phone_number', undefined, 'NoBody')).toBe(maskDestination('phone_number', undefined, 'nobody'));
    expect(maskDestination('phone_number', undefined, '  nobody ')).toBe(maskDestination('phone_number', undefined, 'nobody'));
  });

  test('derives different numbers for different usernames, and not the email fake', () => {
    const derived = new Set(Array.from({ length: 200 }, (_, i) => maskDestination('phone_number', undefined, `user-${i}`)));
    // 10,000 possible endings: 200 names land on many of them, not on one.
    expect(derived.size).toBeGreaterThan(50);
    expect(maskDestination('phone_number', undefined, 'nobody')).not.toBe(maskDestination('email', undefined, 'nobody'));
  });
});

describe('maskDestination for other attributes', () => {
  const OTHER = /^[^*@+\s]\*\*\*$/u;

  test.each([
    ['chat-77310', 'c***'],
    ['Chat-77310', 'c***'],
    ['  U012AB3CD ', 'u***'],
    ['😀handle', '😀***'],
  ])('masks %p to its first character: %s', (value, masked) => {
    expect(maskDestination('custom:chat_id', value, 'kim')).toBe(masked);
  });

  test('is deterministic for a user without a destination', () => {
    expect(maskDestination('custom:chat_id', undefined, 'nobody')).toMatch(OTHER);
    expect(maskDestination('custom:chat_id', undefined, 'nobody')).toBe(maskDestination('custom:chat_id', '', 'nobody'));
    expect(maskDestination('custom:chat_id', undefined, 'NoBody ')).toBe(maskDestination('custom:chat_id', undefined, 'nobody'));
  });

  /** A mask's shape: every character but the stars made alike, so 'c***' and 'k***' agree and 'g***@e***' does not. */
  const shape = (masked: string): string => masked.replace(/[^*]/gu, 'x');

  // BUG (lambda/mask.ts, maskOther): it tries maskEmail and maskPhone first, on the value and, when the
  // user has none, on the username. So a chat ID masks to 'c***' but an unknown user signing in by email
  // or phone is shown 'g***@e***' or '+******0199', and a custom attribute holding an address shows
  // 'b***@e***' while users without one show 'n***': the shape tells who exists (and who has the
  // attribute). For attributes other than email and phone_number the mask must have one shape whatever
  // the value or the username looks like. Kept failing until lambda/mask.ts is fixed.
  test.each([
    { name: 'an address in a custom attribute', value: 'backup@example.org', username: 'kim' },
    { name: 'a phone number in a custom attribute', value: '+447700900123', username: 'kim' },
    { name: 'no value, a plain username', value: undefined, username: 'nobody' },
    { name: 'no value, a UUID username', value: undefined, username: '4c5b2e6a-1f3d-4a7b-9c8e-0d1f2a3b4c5d' },
    { name: 'no value, an email-shaped username', value: undefined, username: 'ghost@example.net' },
    { name: 'no value, a phone-shaped username', value: undefined, username: '+15555550199' },
  ])('has the shape of a masked chat ID for $name', ({ value, username }) => {
    const chatId = maskDestination('custom:chat_id', 'chat-77310', 'kim');
    expect(shape(maskDestination('custom:chat_id', value, username))).toBe(shape(chatId));
  });
});
