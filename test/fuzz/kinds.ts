import type { QuarantineReason } from '../../processors/shared/classify.ts';
import { DEEP_NESTING } from './limits.ts';

export interface FuzzKindSpec {
  /** Relative share of the malformed records when they are spread by weight. */
  readonly weight: number;
  /** The reasons a consumer may legitimately quarantine a record of this kind with. */
  readonly allowed: readonly QuarantineReason[];
  readonly about: string;
}

/** The kinds of malformed record, each declaring the quarantine reasons it may legitimately get. */
export const FUZZ_KINDS = {
  'random-bytes': {
    weight: 10,
    allowed: ['undecodable', 'invalid-json', 'oversize'],
    about: 'random bytes, 16 B–2 KB, a few over the size limit',
  },
  'invalid-utf8': {
    weight: 8,
    allowed: ['undecodable'],
    about: 'an event whose string holds overlong, truncated, surrogate (CESU) or out-of-range UTF-8',
  },
  'invalid-json': {
    weight: 8,
    allowed: ['invalid-json'],
    about: 'truncated, single-quoted, commented, concatenated, BOM-prefixed or otherwise broken JSON',
  },
  'not-an-object': {
    weight: 8,
    allowed: ['schema-violation'],
    about: 'JSON that is not an object: arrays, strings (a double-encoded event), numbers, 1e400, null',
  },
  'deep-nesting': {
    weight: 3,
    allowed: ['schema-violation', 'unknown-schema', 'invalid-json'],
    about: `JSON nested ${DEEP_NESTING.toLocaleString('en-US')} deep, alone or as a field (page, schema, extra)`,
  },
  'huge-string': {
    weight: 0.2,
    allowed: ['oversize'],
    about: 'an event with a 900 KB string (ASCII or 2-byte UTF-8) in some field',
  },
  'over-limit': {
    weight: 2,
    allowed: ['oversize'],
    about: 'a valid event padded just over the 65,536-byte limit',
  },
  'wrong-types': {
    weight: 10,
    allowed: ['schema-violation'],
    about: 'a field of the wrong type, pattern, length or range',
  },
  'missing-fields': {
    weight: 8,
    allowed: ['schema-violation'],
    about: 'required fields left out',
  },
  'extra-fields': {
    weight: 8,
    allowed: ['schema-violation'],
    about: 'unknown fields, fields of another contract, duplicated keys with a bad last value',
  },
  'proto-keys': {
    weight: 6,
    allowed: ['schema-violation', 'unknown-schema'],
    about: '__proto__, constructor and prototype keys, and such names as schema or version',
  },
  'non-finite': {
    weight: 6,
    allowed: ['schema-violation', 'unknown-schema', 'invalid-json'],
    about: 'numbers JSON.parse turns into ±Infinity (1e400), and NaN/Infinity literals',
  },
  'impossible-time': {
    weight: 8,
    allowed: ['schema-violation'],
    about:
      'eventTimes of the right shape naming no instant (hour 24, February 30, second 60), or the wrong shape',
  },
  'extreme-time': {
    weight: 6,
    allowed: ['schema-violation', 'too-late', 'future-dated'],
    about: 'real but extreme eventTimes: years 0001, 1969, 1970, 9999, hours late, a day ahead',
  },
  'lone-surrogate': {
    weight: 6,
    allowed: ['schema-violation'],
    about:
      'a lone UTF-16 surrogate (JSON escape such as \\ud800) in deviceId, sessionId, page or another string',
  },
  'control-chars': {
    weight: 4,
    allowed: ['schema-violation'],
    about: 'C0 controls other than tab/LF/CR, U+FFFE or U+FFFF in a string',
  },
  'unknown-schema': {
    weight: 8,
    allowed: ['unknown-schema'],
    about: 'unknown schema names and versions, or neither given',
  },
} as const satisfies Record<string, FuzzKindSpec>;

export type FuzzKind = keyof typeof FUZZ_KINDS;
export const KIND_NAMES = Object.keys(FUZZ_KINDS) as FuzzKind[];
