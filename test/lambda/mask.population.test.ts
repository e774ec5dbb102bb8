import { createHash } from 'node:crypto';
import { maskDestination } from '../../lambda/mask';

/**
 * Known and unknown users' masked addresses as populations: thousands of realistic addresses (names,
 * patterns and mailbox providers as people use them) against thousands of unknown usernames in a
 * pool where people sign in with a username. An attacker who sees one mask should do no better than
 * a coin toss at telling which it is, by any single rule on the mask.
 */

/** A seeded generator (SHA-256 of a counter): the same populations on every run, so the test cannot flake. */
function random(seed: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

const GIVEN_NAMES = (
  'james mary robert patricia john jennifer michael linda david elizabeth william barbara richard susan joseph jessica '
  + 'thomas sarah charles karen christopher lisa daniel nancy matthew betty anthony sandra mark margaret donald ashley '
  + 'steven kimberly andrew emily paul donna joshua michelle kenneth carol kevin amanda brian melissa george deborah '
  + 'timothy stephanie ronald rebecca jason sharon edward laura jeffrey cynthia ryan dorothy jacob amy gary kathleen '
  + 'nicholas angela eric shirley jonathan emma stephen brenda larry pamela justin nicole scott anna brandon samantha '
  + 'benjamin katherine samuel christine gregory debra alexander rachel patrick carolyn frank janet raymond maria '
  + 'jack olivia dennis heather jerry helen tyler catherine aaron diane jose julie adam victoria nathan joyce henry '
  + 'lauren zachary kelly douglas christina peter ruth kyle joan noah virginia ethan judith jeremy evelyn walter '
  + 'hannah christian andrea keith megan roger cheryl terry jacqueline austin martha sean madison gerald teresa carl '
  + 'kathryn harold sophia dylan abigail arthur jean lawrence frances jordan kayla jesse alexis bryan theresa billy '
  + 'sofia luis isabella juan mohammed wei priya ahmed yuki fatima omar lucas mateo lea hugo ines'
).split(' ');
const SURNAMES = (
  'smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson '
  + 'thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker '
  + 'young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell '
  + 'carter roberts mueller schmidt dupont rossi kim patel chen wang singh'
).split(' ');
const WORDS = 'sunny dragon music happy blue star gamer tiger shadow angel rocky ninja pixel coffee lucky silver'.split(' ');
/** Mailbox providers by rough share of consumer addresses, then organisations' own domains. */
const DOMAINS: Array<[string, number]> = [
  ['gmail.com', 380], ['yahoo.com', 60], ['hotmail.com', 55], ['outlook.com', 45], ['icloud.com', 35], ['aol.com', 25],
  ['live.com', 15], ['msn.com', 10], ['me.com', 10], ['mail.com', 8], ['protonmail.com', 10], ['gmx.de', 12],
  ['web.de', 10], ['comcast.net', 15], ['att.net', 8], ['verizon.net', 5], ['yahoo.co.uk', 12], ['hotmail.fr', 8],
  ['orange.fr', 8], ['free.fr', 5], ['googlemail.com', 8], ['btinternet.com', 6], ['sky.com', 4], ['t-online.de', 8],
  ['acme.com', 12], ['contoso.com', 10], ['example.org', 8], ['university.edu', 15], ['company.co.uk', 10],
  ['startup.io', 10], ['bank.de', 8], ['hospital.org', 8], ['city.gov', 6], ['design.studio', 4], ['law-firm.com', 6],
  ['northwind.com', 8], ['fabrikam.com', 8], ['enterprise.net', 6], ['renewables.com', 5], ['tech.co', 6],
];

function pick<T>(next: () => number, items: T[]): T {
  return items[Math.floor(next() * items.length)];
}

function weighted(next: () => number, items: Array<[string, number]>): string {
  let point = next() * items.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [item, weight] of items) {
    point -= weight;
    if (point < 0) {
      return item;
    }
  }
  return items[items.length - 1][0];
}

function realisticAddress(next: () => number): string {
  const first = pick(next, GIVEN_NAMES);
  const last = pick(next, SURNAMES);
  const digits = String(Math.floor(next() * 100));
  const local = weighted(next, [
    [`${first}.${last}`, 30], [`${first}${last}`, 15], [`${first[0]}${last}`, 15], [`${first}${digits}`, 20],
    [`${first}_${last}`, 5], [`${pick(next, WORDS)}${digits}`, 12], [`${digits}${first}`, 3],
  ]);
  return `${local}@${weighted(next, DOMAINS)}`;
}

function unknownUsername(next: () => number): string {
  return weighted(next, [
    [`${pick(next, GIVEN_NAMES)}${Math.floor(next() * 1000)}`, 40],
    [`${pick(next, GIVEN_NAMES)[0]}${pick(next, SURNAMES)}`, 30],
    [`${pick(next, WORDS)}_${pick(next, WORDS)}`, 15],
    [`user-${Math.floor(next() * 1e6)}`, 15],
  ]);
}

type Feature = (masked: string) => string;
const FEATURES: Record<string, Feature> = {
  'the first character': (masked) => Array.from(masked)[0],
  'the domain\'s first character': (masked) => Array.from(masked.split('@')[1] ?? '')[0] ?? '',
  'the whole mask': (masked) => masked,
  'what follows the domain\'s stars': (masked) => masked.split('***').slice(2).join('***'),
  'the length': (masked) => String(Array.from(masked).length),
};

/** Frequencies of a feature's values in a population. */
function frequencies(masks: string[], feature: Feature): Map<string, number> {
  const counts = new Map<string, number>();
  for (const masked of masks) {
    counts.set(feature(masked), (counts.get(feature(masked)) ?? 0) + 1);
  }
  return new Map([...counts].map(([value, count]) => [value, count / masks.length]));
}

/** The accuracy, on equal populations, of the best rule "this feature has this value, so the user is known" (or unknown). */
function bestSingleRule(known: string[], unknown: string[], feature: Feature): { accuracy: number; value: string } {
  const k = frequencies(known, feature);
  const u = frequencies(unknown, feature);
  let best = { accuracy: 0.5, value: '' };
  for (const value of new Set([...k.keys(), ...u.keys()])) {
    const accuracy = 0.5 + Math.abs((k.get(value) ?? 0) - (u.get(value) ?? 0)) / 2;
    if (accuracy > best.accuracy) {
      best = { accuracy, value };
    }
  }
  return best;
}

describe('masked addresses of known and unknown users, as populations', () => {
  const SIZE = 5000;
  const next = random(20260101);
  const known = Array.from({ length: SIZE }, () => {
    const address = realisticAddress(next);
    return maskDestination('email', address, `${pick(next, GIVEN_NAMES)}${Math.floor(next() * 1000)}`);
  });
  const unknown = Array.from({ length: SIZE }, () => maskDestination('email', undefined, unknownUsername(next)));

  test('the populations are what they claim: distinct masks of the same shape', () => {
    const shape = /^[^@*]\*\*\*@[^@*]\*\*\*$/u;
    expect(known.every((masked) => shape.test(masked))).toBe(true);
    expect(unknown.every((masked) => shape.test(masked))).toBe(true);
    expect(new Set(known).size).toBeGreaterThan(100);
    expect(new Set(unknown).size).toBeGreaterThan(100);
  });

  test.each(Object.keys(FEATURES))('the best single rule on %s is within 3 points of a coin toss', (name) => {
    const { accuracy, value } = bestSingleRule(known, unknown, FEATURES[name]);

    // (Two samples of 5,000 from one distribution differ by a point or two on their most different value.
    // Measured over four seeds: 51.1 to 51.6% on the first character, 51.3 to 51.7% on the domain's, about
    // 50.9% on the whole mask. With the `.com`-only, uniform-letter fakes of before, the domain's first
    // character gave 70% and the top-level domain 60%.)
    expect({ accuracy: Math.min(accuracy, 0.53), value }).toEqual({ accuracy, value });
  });
});
