import { describe, expect, it } from 'vitest';
import {
  type AttributeValue,
  matchesFilterPolicy,
  parseFilterPolicy,
} from '../../../../../../infra/local/servers/sns/filter-policy.ts';

const string = (Value: string): AttributeValue => ({ Type: 'String', Value });
const number = (Value: number): AttributeValue => ({ Type: 'Number', Value: String(Value) });
const array = (values: unknown[]): AttributeValue => ({
  Type: 'String.Array',
  Value: JSON.stringify(values),
});

/** Whether a message with these attributes passes the attribute-scoped policy. */
const passes = (policy: object, attributes: Record<string, AttributeValue>): boolean =>
  matchesFilterPolicy(parseFilterPolicy(JSON.stringify(policy)), { attributes, body: '' });

/** Whether a message with this JSON body passes the body-scoped policy. */
const bodyPasses = (policy: object, body: unknown): boolean =>
  matchesFilterPolicy(parseFilterPolicy(JSON.stringify(policy), 'MessageBody'), {
    attributes: {},
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('filter policy on message attributes', () => {
  it('an exact string matches only that value, and a list matches any of its values', () => {
    // Assess
    expect(passes({ severity: ['critical'] }, { severity: string('critical') })).toBe(true);
    expect(passes({ severity: ['critical'] }, { severity: string('warning') })).toBe(false);
    expect(passes({ severity: ['critical', 'warning'] }, { severity: string('warning') })).toBe(true);
  });

  it('a message without the attribute does not match a value condition', () => {
    expect(passes({ severity: ['critical'] }, {})).toBe(false);
  });

  it('every key must match (AND across keys)', () => {
    // Prepare
    const policy = { severity: ['critical'], site: ['eu'] };
    // Assess
    expect(passes(policy, { severity: string('critical'), site: string('eu') })).toBe(true);
    expect(passes(policy, { severity: string('critical'), site: string('us') })).toBe(false);
  });

  it('a number value matches a Number attribute numerically, never a String one', () => {
    expect(passes({ level: [5] }, { level: number(5.0) })).toBe(true);
    expect(passes({ level: [5] }, { level: string('5') })).toBe(false);
  });

  it('anything-but excludes one value or a list, and needs the attribute present', () => {
    expect(passes({ severity: [{ 'anything-but': 'info' }] }, { severity: string('critical') })).toBe(true);
    expect(passes({ severity: [{ 'anything-but': 'info' }] }, { severity: string('info') })).toBe(false);
    expect(passes({ severity: [{ 'anything-but': ['info', 'debug'] }] }, { severity: string('debug') })).toBe(
      false,
    );
    expect(passes({ severity: [{ 'anything-but': ['info', 'debug'] }] }, {})).toBe(false);
  });

  it('anything-but with a prefix excludes the values that start with it', () => {
    // Prepare
    const policy = { source: [{ 'anything-but': { prefix: 'test-' } }] };
    // Assess
    expect(passes(policy, { source: string('test-rig') })).toBe(false);
    expect(passes(policy, { source: string('prod-rig') })).toBe(true);
  });

  it('prefix, suffix and equals-ignore-case compare strings', () => {
    expect(passes({ page: [{ prefix: '/checkout' }] }, { page: string('/checkout/pay') })).toBe(true);
    expect(passes({ page: [{ prefix: '/checkout' }] }, { page: string('/home') })).toBe(false);
    expect(passes({ file: [{ suffix: '.parquet' }] }, { file: string('lake/a.parquet') })).toBe(true);
    expect(passes({ state: [{ 'equals-ignore-case': 'OPEN' }] }, { state: string('open') })).toBe(true);
  });

  it('numeric combines bounds into a range, with inclusive and exclusive ends', () => {
    // Prepare
    const range = { latency: [{ numeric: ['>', 100, '<=', 500] }] };
    // Assess
    expect(passes(range, { latency: number(100) })).toBe(false);
    expect(passes(range, { latency: number(100.5) })).toBe(true);
    expect(passes(range, { latency: number(500) })).toBe(true);
    expect(passes(range, { latency: number(501) })).toBe(false);
    expect(passes({ latency: [{ numeric: ['>=', 0, '<', 1] }] }, { latency: number(0) })).toBe(true);
  });

  it('numeric = matches the exact number and ignores String attributes', () => {
    expect(passes({ errors: [{ numeric: ['=', 3] }] }, { errors: number(3) })).toBe(true);
    expect(passes({ errors: [{ numeric: ['=', 3] }] }, { errors: string('3') })).toBe(false);
  });

  it('exists tests presence alone', () => {
    expect(passes({ trace: [{ exists: true }] }, { trace: string('x') })).toBe(true);
    expect(passes({ trace: [{ exists: true }] }, {})).toBe(false);
    expect(passes({ trace: [{ exists: false }] }, {})).toBe(true);
    expect(passes({ trace: [{ exists: false }] }, { trace: string('x') })).toBe(false);
  });

  it('a String.Array attribute matches when any element does', () => {
    expect(passes({ tags: ['hot'] }, { tags: array(['cold', 'hot']) })).toBe(true);
    expect(passes({ tags: ['hot'] }, { tags: array(['cold']) })).toBe(false);
  });

  it('$or passes when any alternative does', () => {
    // Prepare
    const policy = { $or: [{ severity: ['critical'] }, { errors: [{ numeric: ['>', 10] }] }] };
    // Assess
    expect(passes(policy, { errors: number(11) })).toBe(true);
    expect(passes(policy, { severity: string('info'), errors: number(2) })).toBe(false);
  });

  it('Binary attributes are not filterable', () => {
    expect(passes({ blob: [{ exists: true }] }, { blob: { Type: 'Binary', Value: 'AQID' } })).toBe(false);
  });
});

describe('filter policy on the message body', () => {
  it('matches nested keys of a JSON body', () => {
    // Prepare
    const policy = { alert: { severity: ['critical'], value: [{ numeric: ['>=', 90] }] } };
    // Assess
    expect(bodyPasses(policy, { alert: { severity: 'critical', value: 95 } })).toBe(true);
    expect(bodyPasses(policy, { alert: { severity: 'critical', value: 50 } })).toBe(false);
  });

  it('a body that is not JSON matches nothing', () => {
    expect(bodyPasses({ severity: ['critical'] }, 'severity=critical')).toBe(false);
  });
});

describe('filter policy validation', () => {
  it.each([
    ['not JSON', '{severity', 'failed to parse JSON'],
    ['an unknown operator', '{"a":[{"regex":"x"}]}', 'Unrecognized match type regex'],
    ['a bad numeric operator', '{"a":[{"numeric":["!=",1]}]}', 'Unrecognized numeric range operator'],
    ['a non-numeric bound', '{"a":[{"numeric":[">","1"]}]}', 'must be numeric'],
    ['exists with a string', '{"a":[{"exists":"yes"}]}', 'must be true or false'],
    ['an empty list', '{"a":[]}', 'Empty arrays are not allowed'],
  ])('rejects %s, saying why', (_case, json, reason) => {
    expect(() => parseFilterPolicy(json)).toThrow(reason);
  });

  it('rejects nested policies in the MessageAttributes scope but accepts them on the body', () => {
    // Prepare
    const nested = '{"alert":{"severity":["critical"]}}';
    // Assess
    expect(() => parseFilterPolicy(nested)).toThrow('does not support nested filter policy');
    expect(() => parseFilterPolicy(nested, 'MessageBody')).not.toThrow();
  });
});
