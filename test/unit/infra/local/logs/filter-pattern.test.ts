import { describe, expect, it } from 'vitest';
import { compileFilterPattern } from '../../../../../infra/local/logs/filter-pattern.ts';

const matches = (pattern: string, line: string) => {
  const json = () => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      return undefined;
    }
  };
  return compileFilterPattern(pattern)(line, json);
};

describe('metric filter patterns', () => {
  it('an empty pattern matches every line', () => {
    expect(matches('', 'anything')).toBe(true);
    expect(matches('   ', '{"a":1}')).toBe(true);
  });

  it('a JSON pattern with a wildcard matches a present field, not a missing one', () => {
    expect(matches('{ $.status = "*" }', '{"status":"429"}')).toBe(true);
    expect(matches('{ $.status = "*" }', '{"other":"429"}')).toBe(false);
    expect(matches('{ $.status = "*" }', 'not json')).toBe(false);
  });

  it('compares strings with wildcards, numbers numerically, nested fields by path', () => {
    expect(matches('{ $.route = "/v1/*" }', '{"route":"/v1/events"}')).toBe(true);
    expect(matches('{ $.route = "/v1/*" }', '{"route":"/v2/events"}')).toBe(false);
    expect(matches('{ $.route != "/v1/*" }', '{"route":"/v2/events"}')).toBe(true);
    expect(matches('{ $.latencyMs >= 100 }', '{"latencyMs":"250"}')).toBe(true);
    expect(matches('{ $.latencyMs < 100 }', '{"latencyMs":250}')).toBe(false);
    expect(matches('{ $.a.b = 3 }', '{"a":{"b":3}}')).toBe(true);
  });

  it('joins comparisons with && binding tighter than ||', () => {
    const pattern = '{ $.status = "5*" || $.status = "429" && $.route = "/v1/events" }';
    expect(matches(pattern, '{"status":"503","route":"/x"}')).toBe(true);
    expect(matches(pattern, '{"status":"429","route":"/v1/events"}')).toBe(true);
    expect(matches(pattern, '{"status":"429","route":"/x"}')).toBe(false);
  });

  it('a term pattern needs every term in the line', () => {
    expect(matches('ERROR "bad request"', 'ERROR: a bad request came')).toBe(true);
    expect(matches('ERROR "bad request"', 'ERROR: a good request came')).toBe(false);
  });

  it('refuses what it cannot evaluate, naming the pattern', () => {
    expect(() => compileFilterPattern('{ ($.a = 1) }')).toThrow(
      'filter pattern "{ ($.a = 1) }": parentheses are not evaluated locally',
    );
    expect(() => compileFilterPattern('{ $.a ~ 1 }')).toThrow('"$.a ~ 1" is not a comparison');
    expect(() => compileFilterPattern('{ $.a > "x" }')).toThrow('> needs a number (given "x")');
    expect(() => compileFilterPattern('ERROR -DEBUG')).toThrow('exclusions (-)');
    expect(() => compileFilterPattern('[ip, user]')).toThrow('space-delimited patterns');
  });
});
