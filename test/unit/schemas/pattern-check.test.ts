import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRUNCATED_IP, UTC_TIME } from '../../../schemas/envelope.ts';
import { patternTest } from '../../../schemas/pattern-check.ts';

const PATTERNS = [
  '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  '^[A-Z]{3}$',
  '^[!-~]+$',
  '^/',
  '^$',
  '^ab\\d{2}',
  UTC_TIME,
  TRUNCATED_IP,
  '[a-z]+',
  '^a*$',
];

/** Strings near each pattern: its own alphabet, lengths around its widths, and any UTF-16 code unit. */
const near = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF-/!~ é'), maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uuid(),
  fc.constantFrom('EUR', 'EURO', 'eu', '/', '', 'ab12', 'ab1', '2001:db8::', '203.0.113.0'),
);

describe('patternTest', () => {
  it.each(PATTERNS)('decides %s exactly as the RegExp TypeBox compiles does', (pattern) => {
    // Prepare
    const test = patternTest(pattern);
    const regexp = new RegExp(pattern);

    // Act, Assess
    fc.assert(
      fc.property(near, (text) => {
        expect(test(text)).toBe(regexp.test(text));
      }),
      { numRuns: 2_000 },
    );
  });
});
