import { describe, expect, it } from 'vitest';
import { compileFilterCriteria, compilePattern } from '../../../../../infra/local/esm/event-filter.ts';

/** A record shaped like what Lambda matches DynamoDB-stream filters against. */
const record = (eventName: string, newImage?: Record<string, unknown>) => ({
  eventID: 'e-1',
  eventName,
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    Keys: { pk: { S: 'page_views#/home' } },
    ...(newImage ? { NewImage: newImage } : {}),
    SequenceNumber: '000000000000000000001',
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

const matches = (pattern: unknown, value: unknown) => compilePattern(JSON.stringify(pattern))(value);

describe('compilePattern', () => {
  it.each([
    ['an exact value in a list', { eventName: ['INSERT', 'MODIFY'] }, true],
    ['a value not in the list', { eventName: ['REMOVE'] }, false],
    ['a nested attribute value', { dynamodb: { NewImage: { rollup: { S: ['page_views'] } } } }, true],
    [
      'a nested attribute with another value',
      { dynamodb: { NewImage: { rollup: { S: ['purchases'] } } } },
      false,
    ],
    ['prefix', { dynamodb: { Keys: { pk: { S: [{ prefix: 'page_views#' }] } } } }, true],
    ['prefix that does not match', { dynamodb: { Keys: { pk: { S: [{ prefix: 'device#' }] } } } }, false],
    ['suffix', { dynamodb: { Keys: { pk: { S: [{ suffix: '/home' }] } } } }, true],
    ['equals-ignore-case', { eventName: [{ 'equals-ignore-case': 'insert' }] }, true],
    ['anything-but a value', { eventName: [{ 'anything-but': 'REMOVE' }] }, true],
    [
      'anything-but a list holding the value',
      { eventName: [{ 'anything-but': ['INSERT', 'MODIFY'] }] },
      false,
    ],
    ['anything-but a prefix', { eventName: [{ 'anything-but': { prefix: 'IN' } }] }, false],
    [
      'numeric range on a DynamoDB number',
      { dynamodb: { NewImage: { count: { N: [{ numeric: ['>', 0, '<=', 5] }] } } } },
      true,
    ],
    [
      'numeric range it falls outside',
      { dynamodb: { NewImage: { count: { N: [{ numeric: ['>', 5] }] } } } },
      false,
    ],
    ['numeric equality', { dynamodb: { NewImage: { count: { N: [{ numeric: ['=', 3] }] } } } }, true],
    ['exists true on a present attribute', { dynamodb: { NewImage: { rollup: [{ exists: true }] } } }, true],
    [
      'exists true on a missing attribute',
      { dynamodb: { NewImage: { missing: [{ exists: true }] } } },
      false,
    ],
    [
      'exists false on a missing attribute',
      { dynamodb: { NewImage: { missing: [{ exists: false }] } } },
      true,
    ],
    [
      'exists false on a present attribute',
      { dynamodb: { NewImage: { rollup: [{ exists: false }] } } },
      false,
    ],
    ['a boolean attribute', { dynamodb: { NewImage: { open: { BOOL: [true] } } } }, true],
    ['a field in the record and one that is not', { eventName: ['INSERT'], awsRegion: ['eu-west-1'] }, false],
    [
      '$or of two patterns',
      { $or: [{ eventName: ['REMOVE'] }, { dynamodb: { NewImage: { open: { BOOL: [true] } } } }] },
      true,
    ],
    ['any element of a string set', { dynamodb: { NewImage: { tags: { SS: ['b'] } } } }, true],
  ])('matches %s as expected', (_, pattern, expected) => {
    // Prepare
    const value = record('INSERT', {
      rollup: { S: 'page_views' },
      count: { N: '3' },
      open: { BOOL: true },
      tags: { SS: ['a', 'b'] },
    });

    // Act
    const result = matches(pattern, value);

    // Assess
    expect(result).toBe(expected);
  });

  it('does not match a nested pattern when the record has no such object (e.g. no NewImage on REMOVE)', () => {
    // Prepare
    const removed = record('REMOVE');

    // Act
    const result = matches({ dynamodb: { NewImage: { rollup: { S: ['page_views'] } } } }, removed);

    // Assess
    expect(result).toBe(false);
  });

  it('does not compare a number literal with a string value', () => {
    // Prepare
    const value = { dynamodb: { NewImage: { count: { N: '3' } } } };

    // Act
    const result = matches({ dynamodb: { NewImage: { count: { N: [3] } } } }, value);

    // Assess
    expect(result).toBe(false);
  });

  it.each([
    ['text that is not JSON', '{eventName:', 'not JSON'],
    ['a pattern that is not an object', '["INSERT"]', 'JSON object'],
    ['a bare value instead of a list', '{"eventName":"INSERT"}', 'list of matchers'],
    ['an empty list', '{"eventName":[]}', 'must not be empty'],
    ['an unknown operator', '{"eventName":[{"wildcard":"IN*"}]}', 'wildcard'],
    ['a malformed numeric', '{"n":[{"numeric":[">"]}]}', 'numeric'],
  ])('rejects %s, naming the problem', (_, pattern, named) => {
    // Prepare
    const compile = () => compilePattern(pattern);

    // Act / Assess
    expect(compile).toThrow(named);
  });
});

describe('compileFilterCriteria', () => {
  it('delivers every record when the mapping has no filters', () => {
    // Prepare
    const patterns: string[] = [];

    // Act
    const filter = compileFilterCriteria(patterns);

    // Assess
    expect(filter).toBeUndefined();
  });

  it('delivers a record when any of the filters matches it', () => {
    // Prepare
    const filter = compileFilterCriteria([
      JSON.stringify({ eventName: ['REMOVE'] }),
      JSON.stringify({ dynamodb: { NewImage: { rollup: { S: ['page_views'] } } } }),
    ]);

    // Act
    const results = [
      filter?.(record('INSERT', { rollup: { S: 'page_views' } })),
      filter?.(record('REMOVE')),
      filter?.(record('MODIFY', { rollup: { S: 'purchases' } })),
    ];

    // Assess
    expect(results).toEqual([true, true, false]);
  });
});
