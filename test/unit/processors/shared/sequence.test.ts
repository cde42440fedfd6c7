import { describe, expect, it } from 'vitest';
import { compareSequence, padSequence, SEQUENCE_WIDTH } from '../../../../processors/shared/sequence.ts';

/** Small deterministic PRNG (mulberry32) so "random" inputs are the same on every run. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const randomDigits = (next: () => number, length: number): string => {
  let digits = String(1 + Math.floor(next() * 9));
  while (digits.length < length) digits += String(Math.floor(next() * 10));
  return digits;
};

const byBigInt = (a: string, b: string) => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

describe('padSequence', () => {
  it('pads a sequence number with leading zeros to 64 characters', () => {
    // Prepare
    const sequenceNumber = '49590338271490256608559692538361571095921575989136588898';

    // Act
    const padded = padSequence(sequenceNumber);

    // Assess
    expect(SEQUENCE_WIDTH).toBe(64);
    expect(padded).toHaveLength(64);
    expect(padded).toBe(`00000000${sequenceNumber}`);
    expect(BigInt(padded)).toBe(BigInt(sequenceNumber));
  });

  it('leaves a 64-digit sequence number unchanged', () => {
    // Prepare
    const sequenceNumber = '9'.repeat(64);

    // Act
    const padded = padSequence(sequenceNumber);

    // Assess
    expect(padded).toBe(sequenceNumber);
  });

  it.each([
    '',
    'abc',
    '12a',
    '-1',
    '1.5',
    ' 42',
    '42 ',
    '1e9',
    '٣',
  ])('refuses %j because it is not decimal digits, naming the value', (value) => {
    // Prepare
    const named = JSON.stringify(value);

    // Act
    const act = () => padSequence(value);

    // Assess
    expect(act).toThrow('sequence number must be decimal digits');
    expect(act).toThrow(named);
  });

  it('refuses a sequence number longer than 64 digits, naming it and its length', () => {
    // Prepare
    const tooLong = `1${'0'.repeat(64)}`;

    // Act
    const act = () => padSequence(tooLong);

    // Assess
    expect(act).toThrow('65 digits');
    expect(act).toThrow(tooLong);
  });
});

describe('compareSequence', () => {
  it.each([
    ['9', '10', -1],
    ['10', '9', 1],
    ['123', '123', 0],
    ['007', '7', 0],
    ['0', '00', 0],
    ['0', '1', -1],
    [
      '49590338271490256608559692538361571095921575989136588898',
      '4959033827149025660855969253836157109592157598913658889',
      1,
    ],
    [
      '99999999999999999999999999999999999999999999999999999999',
      '100000000000000000000000000000000000000000000000000000000',
      -1,
    ],
  ])('orders %s against %s numerically (sign %i) whatever their lengths', (a, b, sign) => {
    // Prepare
    const expected = sign;

    // Act
    const result = Math.sign(compareSequence(a, b));

    // Assess
    expect(result).toBe(expected);
  });

  it('agrees with numeric order for random sequence numbers of mixed lengths', () => {
    // Prepare
    const next = prng(7);
    const numbers = Array.from({ length: 300 }, () => randomDigits(next, 1 + Math.floor(next() * 64)));

    // Act
    const sorted = [...numbers].sort(compareSequence);

    // Assess
    expect(sorted).toEqual([...numbers].sort(byBigInt));
  });
});

describe('padded sequence numbers', () => {
  it('sort as strings in the same order as the numbers for random 56-digit values', () => {
    // Prepare
    const next = prng(42);
    const numbers = Array.from({ length: 500 }, () => randomDigits(next, 56));

    // Act
    const byPaddedString = [...numbers].sort((a, b) => {
      const x = padSequence(a);
      const y = padSequence(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });

    // Assess
    expect(byPaddedString).toEqual([...numbers].sort(byBigInt));
    expect(byPaddedString).toEqual([...numbers].sort(compareSequence));
  });

  it('sort as strings in numeric order even when the unpadded lengths differ', () => {
    // Prepare
    const numbers = [
      '10',
      '9',
      '100',
      '4959',
      '49590000000000000000000000000000000000000000000000000000',
      '1',
    ];

    // Act
    const byPaddedString = numbers.map(padSequence).sort();

    // Assess
    expect(byPaddedString.map((padded) => BigInt(padded).toString())).toEqual([...numbers].sort(byBigInt));
  });
});
