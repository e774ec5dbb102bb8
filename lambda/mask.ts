import { createHash } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
type Mask = (value: string) => string | undefined;

/** `Jane.Doe@Example.com` becomes `j***@e***.com`: enough for a user to recognise, too little to harvest. */
export const maskEmail: Mask = (address) => {
  const normalized = address.trim().toLowerCase();
  const at = normalized.lastIndexOf('@');
  const local = normalized.slice(0, at);
  const domain = normalized.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  if (at < 1 || dot < 1 || dot === domain.length - 1) {
    return undefined;
  }
  return `${Array.from(local)[0]}***@${Array.from(domain)[0]}***${domain.slice(dot)}`;
};

/** `+447700900123` becomes `+******0123`: the same length whatever the number's. */
export const maskPhone: Mask = (phoneNumber) => {
  const normalized = phoneNumber.trim();
  return /^\+\d{7,15}$/.test(normalized) ? `+******${normalized.slice(-4)}` : undefined;
};

/** Any other identifier (a chat handle, say): its first character only, whatever its form, so all look alike. */
const maskOther: Mask = (value) => (value.trim() ? `${Array.from(value.trim().toLowerCase())[0]}***` : undefined);

function fake(attribute: string, username: string): string {
  const hash = createHash('sha256').update(`destination:${attribute}:${username.trim().toLowerCase()}`).digest();
  if (attribute === 'phone_number') {
    return `+******${hash.readUInt32BE(0).toString().slice(-4).padStart(4, '0')}`;
  }
  return `${LETTERS[hash[0] % LETTERS.length]}***@${LETTERS[hash[1] % LETTERS.length]}***.com`;
}

/**
 * The masked destination shown for a user: the real one when the user has the attribute; otherwise
 * (unknown user, attribute missing) the username itself when it has that form, as with email or
 * phone sign-in, or a fake derived deterministically from the username, so asking twice shows the same.
 */
export function maskDestination(attribute: string, value: string | undefined, username: string): string {
  const mask = attribute === 'email' ? maskEmail : attribute === 'phone_number' ? maskPhone : maskOther;
  return mask(typeof value === 'string' ? value : '') ?? mask(username) ?? fake(attribute, username);
}
