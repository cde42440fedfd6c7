import { describe, expect, it } from 'vitest';
import { compileDatePattern } from '../../../../../infra/local/firehose/java-date-format.ts';
import {
  compilePrefixes,
  type PrefixValues,
  renderPrefix,
} from '../../../../../infra/local/firehose/prefix-expression.ts';
import { zonedFields } from '../../../../../infra/local/firehose/zoned-time.ts';

/** Monday 27 August 2018, 10:30:05.123 UTC (day 239 of the year): the instant of Firehose's own examples. */
const AT = Date.UTC(2018, 7, 27, 10, 30, 5, 123);

const values = (epochMs = AT, timeZone = 'UTC'): PrefixValues => {
  let drawn = 0;
  return {
    fields: zonedFields(epochMs, timeZone),
    randomString: () => `random${String(++drawn).padStart(5, '0')}`,
  };
};

const format = (pattern: string, epochMs = AT, timeZone = 'UTC') =>
  compileDatePattern(pattern)(zonedFields(epochMs, timeZone));

describe('!{timestamp:…}: Java DateTimeFormatter patterns', () => {
  it.each([
    ['yyyy-MM-dd', '2018-08-27'],
    ['HH', '10'],
    ['yyyy/MM/dd/HH/', '2018/08/27/10/'],
    ["'year='yyyy'/month='MM'/day='dd'/hour='HH", 'year=2018/month=08/day=27/hour=10'],
    ['yy', '18'],
    ['y', '2018'],
    ['uuuu', '2018'],
    ['M', '8'],
    ['MMM', 'Aug'],
    ['MMMM', 'August'],
    ['MMMMM', 'A'],
    ['d', '27'],
    ['D', '239'],
    ['EEE', 'Mon'],
    ['EEEE', 'Monday'],
    ['mm:ss', '30:05'],
    ['S', '1'],
    ['SSS', '123'],
    ['SSSSSS', '123000'],
    ['a hh', 'AM 10'],
    ["'o''clock'", "o'clock"],
    ["''HH''", "'10'"],
    ['[yyyy]', '2018'],
  ])('%s prints %s', (pattern, expected) => {
    expect(format(pattern)).toBe(expected);
  });

  it('prints the hours of the afternoon and of midnight as each letter counts them', () => {
    const tenPm = Date.UTC(2018, 7, 27, 22, 0, 0);
    const midnight = Date.UTC(2018, 7, 27, 0, 0, 0);

    expect(format('a h K H k', tenPm)).toBe('PM 10 10 22 22');
    expect(format('a h K H k', midnight)).toBe('AM 12 0 0 24');
  });

  it('prints the fields in the CustomTimeZone, across the day boundary', () => {
    const lateUtc = Date.UTC(2018, 7, 27, 23, 30, 0);

    expect(format('yyyy-MM-dd HH:mm', AT, 'Europe/Berlin')).toBe('2018-08-27 12:30');
    expect(format('yyyy-MM-dd HH EEE D', lateUtc, 'Asia/Tokyo')).toBe('2018-08-28 08 Tue 240');
  });

  it.each([
    ['ddd', /too many pattern letters: ddd/],
    ['HHH', /too many pattern letters: HHH/],
    ['ww', /pattern letter w is not printed/],
    ['VV', /pattern letter V is not printed/],
    ['yyyy{', /\{ is reserved/],
    ["'open", /quoted literal/],
  ])('refuses %s, naming what is wrong', (pattern, message) => {
    expect(() => compileDatePattern(pattern)).toThrow(message);
  });
});

describe('Prefix and ErrorOutputPrefix under Firehose’s rules', () => {
  it('renders the raw zone’s prefixes from the oldest record’s arrival', () => {
    const { data, error } = compilePrefixes(
      'raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/',
      'raw-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
    );

    expect(renderPrefix(data, values())).toBe('raw/dt=2018-08-27/hour=10/');
    expect(renderPrefix(error, { ...values(), errorOutputType: 'processing-failed' })).toBe(
      'raw-errors/processing-failed/dt=2018-08-27/',
    );
  });

  it('appends yyyy/MM/dd/HH/ to a Prefix without a timestamp, and uses it alone without a Prefix', () => {
    expect(renderPrefix(compilePrefixes('myPrefix/', undefined).data, values())).toBe(
      'myPrefix/2018/08/27/10/',
    );
    expect(renderPrefix(compilePrefixes(undefined, undefined).data, values())).toBe('2018/08/27/10/');
  });

  it('files errors of a plain Prefix under it, by error output type and hour', () => {
    const { error } = compilePrefixes('myPrefix/', undefined);

    expect(renderPrefix(error, { ...values(), errorOutputType: 'processing-failed' })).toBe(
      'myPrefix/processing-failed/2018/08/27/10/',
    );
  });

  it('gives every !{firehose:random-string} a string of its own, keeping the text around it', () => {
    const { data } = compilePrefixes(
      'myFirehose/DeliveredYear=!{timestamp:yyyy}/anyMonth/rand=!{firehose:random-string}/!{firehose:random-string}',
      'myFirehoseFailures/!{firehose:error-output-type}/',
    );

    expect(renderPrefix(data, values())).toBe(
      'myFirehose/DeliveredYear=2018/anyMonth/rand=random00001/random00002',
    );
  });

  it('evaluates every timestamp of a prefix at the same instant', () => {
    const { data } = compilePrefixes(
      '!{timestamp:yyyy}/!{timestamp:yyyy-MM-dd}/',
      'e/!{firehose:error-output-type}',
    );

    expect(renderPrefix(data, values(Date.UTC(2019, 11, 31, 23, 59, 59, 999)))).toBe('2019/2019-12-31/');
  });

  it.each([
    [
      'a Prefix with expressions and no ErrorOutputPrefix',
      '!{timestamp:yyyy}/',
      undefined,
      /requires an ErrorOutputPrefix/,
    ],
    ['the error output type in Prefix', '!{firehose:error-output-type}/', 'e/', /only ErrorOutputPrefix may/],
    [
      'an ErrorOutputPrefix with expressions but no error output type',
      'p/',
      'e/!{timestamp:yyyy}/',
      /no !\{firehose:error-output-type\}/,
    ],
    [
      'a nested expression',
      'p/!{timestamp:yy!{timestamp:yy}}/',
      'e/!{firehose:error-output-type}',
      /cannot be nested/,
    ],
    ['an unclosed expression', 'p/!{timestamp:yyyy', 'e/!{firehose:error-output-type}', /no closing \}/],
    [
      'an unknown namespace',
      'p/!{clock:yyyy}/',
      'e/!{firehose:error-output-type}',
      /unknown namespace "clock"/,
    ],
    [
      'an unknown firehose value',
      'p/!{firehose:uuid}/',
      'e/!{firehose:error-output-type}',
      /error-output-type and random-string only/,
    ],
    [
      'dynamic partitioning',
      'p/!{partitionKeyFromQuery:customer}/',
      'e/!{firehose:error-output-type}',
      /dynamic partitioning is not emulated/,
    ],
    [
      'a timestamp pattern Java refuses',
      'p/!{timestamp:ddd}/',
      'e/!{firehose:error-output-type}',
      /!\{timestamp:ddd\}: too many pattern letters/,
    ],
  ])('refuses %s', (_, prefix, errorPrefix, message) => {
    expect(() => compilePrefixes(prefix, errorPrefix)).toThrow(message);
  });

  it('renders a prefix of 512 characters, and refuses one longer', () => {
    const ofLength = (length: number) =>
      compilePrefixes(`${'x'.repeat(length - 6)}/!{timestamp:yyyy}/`, 'e/!{firehose:error-output-type}').data;

    expect(renderPrefix(ofLength(512), values())).toHaveLength(512);
    expect(() => renderPrefix(ofLength(513), values())).toThrow(/513 characters, more than Firehose's 512/);
  });
});
