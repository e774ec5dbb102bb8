import { destinationFor, maskedDestinationFor, mediumOf } from '../../lambda/delivery';
import { ChannelConfig, CODE_PLACEHOLDER } from '../../src/private/handler-contract';

const EMAIL: ChannelConfig = { kind: 'email', from: 'no-reply@sender.example', subject: 'Code', body: `Code: ${CODE_PLACEHOLDER}` };
const SMS: ChannelConfig = { kind: 'sms', message: `Code: ${CODE_PLACEHOLDER}` };
const CHAT: ChannelConfig = {
  kind: 'custom', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sender', attribute: 'custom:chat_id', medium: 'CHAT',
};
const custom = (attribute: string): ChannelConfig => ({ ...CHAT, attribute } as ChannelConfig);

describe('mediumOf', () => {
  test.each([
    ['email', EMAIL, 'EMAIL'],
    ['sms', SMS, 'SMS'],
    ['custom', CHAT, 'CHAT'],
    ['custom reading email', { ...custom('email'), medium: 'WHATSAPP' } as ChannelConfig, 'WHATSAPP'],
  ])('%s: %s', (_name, channel, medium) => {
    expect(mediumOf(channel)).toBe(medium);
  });
});

describe('destinationFor', () => {
  const EMAIL_USER = { email: 'jane.doe@example.com', email_verified: 'true' };
  const PHONE_USER = { phone_number: '+447700900123', phone_number_verified: 'true' };

  test.each<[string, ChannelConfig, Record<string, string>, string | undefined]>([
    ['email, verified', EMAIL, EMAIL_USER, 'jane.doe@example.com'],
    ['email, verified, with spaces around it', EMAIL, { ...EMAIL_USER, email: ' jane.doe@example.com ' }, 'jane.doe@example.com'],
    ['email, not verified', EMAIL, { ...EMAIL_USER, email_verified: 'false' }, undefined],
    ['email, verified in capitals', EMAIL, { ...EMAIL_USER, email_verified: 'TRUE' }, undefined],
    ['email, without email_verified', EMAIL, { email: 'jane.doe@example.com' }, undefined],
    ['email, blank', EMAIL, { email: '  ', email_verified: 'true' }, undefined],
    ['email, missing', EMAIL, { email_verified: 'true' }, undefined],
    ['email, only a phone number', EMAIL, PHONE_USER, undefined],
    ['sms, verified', SMS, PHONE_USER, '+447700900123'],
    ['sms, not verified', SMS, { ...PHONE_USER, phone_number_verified: 'false' }, undefined],
    ['sms, without phone_number_verified', SMS, { phone_number: '+447700900123' }, undefined],
    ['sms, only an email', SMS, EMAIL_USER, undefined],
    ['sms, email_verified does not verify the phone', SMS, { phone_number: '+447700900123', email_verified: 'true' }, undefined],
    ['custom, present without a verification flag', CHAT, { 'custom:chat_id': 'chat-77310' }, 'chat-77310'],
    ['custom, blank', CHAT, { 'custom:chat_id': ' ' }, undefined],
    ['custom, missing', CHAT, EMAIL_USER, undefined],
    ['custom reading email, verified', custom('email'), EMAIL_USER, 'jane.doe@example.com'],
    ['custom reading email, not verified', custom('email'), { ...EMAIL_USER, email_verified: 'false' }, undefined],
    ['custom reading phone_number, verified', custom('phone_number'), PHONE_USER, '+447700900123'],
    ['custom reading phone_number, without phone_number_verified', custom('phone_number'), { phone_number: '+447700900123' }, undefined],
  ])('%s', (_name, channel, attributes, destination) => {
    expect(destinationFor(channel, attributes, false)).toBe(destination);
  });

  test.each([EMAIL, SMS, CHAT])('never for an unknown user, whatever attributes the event carries (%#)', (channel) => {
    const attributes = { ...EMAIL_USER, ...PHONE_USER, 'custom:chat_id': 'chat-77310' };
    expect(destinationFor(channel, attributes, false)).toBeDefined();
    expect(destinationFor(channel, attributes, true)).toBeUndefined();
  });
});

describe('maskedDestinationFor', () => {
  test.each<[string, ChannelConfig, Record<string, string>, string, string | RegExp]>([
    ['email, with an address', EMAIL, { email: 'jane.doe@example.com' }, 'jane', 'j***@e***'],
    ['email, without one', EMAIL, {}, 'nobody', /^[a-z0-9]\*\*\*@[a-z]\*\*\*$/],
    ['email, reading only the email attribute', EMAIL, { phone_number: '+447700900123' }, 'nobody', /^[a-z0-9]\*\*\*@[a-z]\*\*\*$/],
    ['sms, with a number', SMS, { phone_number: '+447700900123' }, 'priya', '+******0123'],
    ['sms, without one', SMS, {}, 'nobody', /^\+\*{6}[0-9]{4}$/],
    ['sms, reading only phone_number', SMS, { email: 'jane.doe@example.com' }, 'nobody', /^\+\*{6}[0-9]{4}$/],
    ['custom, with a chat ID', CHAT, { 'custom:chat_id': 'chat-77310' }, 'kim', 'c***'],
    ['custom reading phone_number', custom('phone_number'), { phone_number: '+447700900123' }, 'priya', '+******0123'],
    ['custom reading email', custom('email'), { email: 'jane.doe@example.com' }, 'jane', 'j***@e***'],
  ])('%s', (_name, channel, attributes, username, masked) => {
    const destination = maskedDestinationFor(channel, attributes, username);
    if (typeof masked === 'string') {
      expect(destination).toBe(masked);
    } else {
      expect(destination).toMatch(masked);
    }
  });

  test('shows an unverified destination masked, as it shows a verified one', () => {
    expect(maskedDestinationFor(SMS, { phone_number: '+447700900456', phone_number_verified: 'false' }, 'omar')).toBe('+******0456');
  });
});
