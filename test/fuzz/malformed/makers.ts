import type { Context, Shape } from '../context.ts';
import type { FuzzKind } from '../kinds.ts';
import { hugeStringRecord, invalidUtf8Record, overLimitRecord, randomBytesRecord } from './bytes.ts';
import { extraFieldsRecord, missingFieldsRecord, wrongTypesRecord } from './fields.ts';
import { deepNestingRecord, invalidJsonRecord, nonFiniteRecord, notAnObjectRecord } from './json.ts';
import { protoKeysRecord, unknownSchemaRecord } from './schema.ts';
import { controlCharsRecord, loneSurrogateRecord } from './strings.ts';
import { extremeTimeRecord, impossibleTimeRecord } from './times.ts';

/** The maker of each kind: the record's data from a seeded context. */
export const MAKERS: Record<FuzzKind, (ctx: Context) => Shape> = {
  'random-bytes': randomBytesRecord,
  'invalid-utf8': invalidUtf8Record,
  'invalid-json': invalidJsonRecord,
  'not-an-object': notAnObjectRecord,
  'deep-nesting': deepNestingRecord,
  'huge-string': hugeStringRecord,
  'over-limit': overLimitRecord,
  'wrong-types': wrongTypesRecord,
  'missing-fields': missingFieldsRecord,
  'extra-fields': extraFieldsRecord,
  'proto-keys': protoKeysRecord,
  'non-finite': nonFiniteRecord,
  'impossible-time': impossibleTimeRecord,
  'extreme-time': extremeTimeRecord,
  'lone-surrogate': loneSurrogateRecord,
  'control-chars': controlCharsRecord,
  'unknown-schema': unknownSchemaRecord,
};
