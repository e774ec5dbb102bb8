import { createHash } from 'node:crypto';

type Mask = (value: string) => string | undefined;

/** A weighted table with the sum of its weights, summed once at load. */
interface Weighted {
  readonly entries: ReadonlyArray<readonly [string, number]>;
  readonly total: number;
}

function weighted(entries: ReadonlyArray<readonly [string, number]>): Weighted {
  return { entries, total: entries.reduce((sum, [, weight]) => sum + weight, 0) };
}

/**
 * How often real email addresses start with each character, in their local part and in their
 * domain, as relative weights (drawn in proportion to their sum): local parts follow given names' initials (US Social Security name data,
 * rounded), domains the mailbox providers' shares (Gmail, Outlook/Hotmail/Live, Yahoo, iCloud, AOL,
 * ...) with the rest spread over other domains. An unknown user's fake is drawn from these, so a
 * population of fakes shows the first characters a population of real addresses does.
 */
const LOCAL_INITIALS = weighted([
  ['a', 85], ['b', 45], ['c', 65], ['d', 65], ['e', 40], ['f', 15], ['g', 25], ['h', 20], ['i', 10], ['j', 95],
  ['k', 50], ['l', 50], ['m', 85], ['n', 25], ['o', 8], ['p', 25], ['q', 1], ['r', 50], ['s', 65], ['t', 50],
  ['u', 2], ['v', 12], ['w', 18], ['x', 1], ['y', 4], ['z', 6], ['0', 1], ['1', 2], ['2', 1], ['3', 1],
  ['4', 1], ['5', 1], ['6', 1], ['7', 1], ['8', 1], ['9', 1],
]);
const DOMAIN_INITIALS = weighted([
  ['g', 450], ['h', 80], ['y', 80], ['o', 70], ['i', 40], ['a', 45], ['l', 20], ['m', 45], ['p', 20], ['c', 25],
  ['s', 25], ['b', 15], ['t', 20], ['w', 10], ['e', 15], ['f', 10], ['d', 15], ['n', 15], ['r', 10], ['k', 5],
  ['u', 10], ['v', 10], ['j', 3], ['q', 1], ['x', 2], ['z', 4],
]);

/** The entry of a weighted table that `random` (uniform in [0, 2^32)) lands on. */
function drawFrom(table: Weighted, random: number): string {
  let point = (random / 2 ** 32) * table.total;
  for (const [value, weight] of table.entries) {
    point -= weight;
    if (point < 0) {
      return value;
    }
  }
  return table.entries[table.entries.length - 1][0];
}

/**
 * `Jane.Doe@Example.co.uk` becomes `j***@e***`: enough for a user to recognise, too little to
 * harvest, and no top-level domain, whose spread (`.com`, `.de`, `.co.uk`) differs from pool to pool
 * and no fake could match.
 */
export const maskEmail: Mask = (address) => {
  const normalized = address.trim().toLowerCase();
  const at = normalized.lastIndexOf('@');
  const local = normalized.slice(0, at);
  const domain = normalized.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  if (at < 1 || dot < 1 || dot === domain.length - 1) {
    return undefined;
  }
  return `${Array.from(local)[0]}***@${Array.from(domain)[0]}***`;
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
  return `${drawFrom(LOCAL_INITIALS, hash.readUInt32BE(4))}***@${drawFrom(DOMAIN_INITIALS, hash.readUInt32BE(8))}***`;
}

/**
 * The masked destination shown for a user: the real one when the user has the attribute; otherwise
 * (unknown user, attribute missing) the username itself when it has that form, as with email or
 * phone sign-in, or a fake derived deterministically from the username (so asking twice shows the
 * same) and drawn like real addresses' first characters.
 */
export function maskDestination(attribute: string, value: string | undefined, username: string): string {
  const mask = attribute === 'email' ? maskEmail : attribute === 'phone_number' ? maskPhone : maskOther;
  return mask(typeof value === 'string' ? value : '') ?? mask(username) ?? fake(attribute, username);
}
