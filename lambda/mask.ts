import { createHash } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** `Jane.Doe@Example.com` becomes `j***@e***.com`: enough for a user to recognise, too little to harvest. */
export function maskEmail(address: string): string | undefined {
  const normalized = address.trim().toLowerCase();
  const at = normalized.lastIndexOf('@');
  const local = normalized.slice(0, at);
  const domain = normalized.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  if (at < 1 || dot < 1 || dot === domain.length - 1) {
    return undefined;
  }
  return `${Array.from(local)[0]}***@${Array.from(domain)[0]}***${domain.slice(dot)}`;
}

/**
 * The masked destination shown for a user: the real address when there is one; otherwise (unknown
 * user, no address) the username itself when it is an address, as it is with email sign-in, or a
 * fake address derived deterministically from the username, so that asking twice shows the same.
 */
export function maskedEmailDestination(email: string | undefined, username: string): string {
  const masked = maskEmail(email ?? '') ?? maskEmail(username);
  if (masked) {
    return masked;
  }
  const hash = createHash('sha256').update(`destination:${username.trim().toLowerCase()}`).digest();
  return `${LETTERS[hash[0] % LETTERS.length]}***@${LETTERS[hash[1] % LETTERS.length]}***.com`;
}
