import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MixedSource } from '../../../producers/mixed.ts';
import { compileContract } from '../../../schemas/contract-check.ts';
import { CONTRACTS, contractSchema, parseUtcMillis, preview } from '../../../schemas/index.ts';
import { fuzzCorpus } from '../../fuzz/corpus.ts';
import { webEdge } from '../support/edge-context.ts';

const NOW = Date.parse('2026-11-22T05:06:07.000Z');

/** The contract each event names, compiled both ways. */
const byName = new Map(
  CONTRACTS.map((schema) => [
    String(schema.$id),
    { schema, compiled: compileContract(schema), typebox: TypeCompiler.Compile(schema) },
  ]),
);
const contractOf = (value: Record<string, unknown>) =>
  typeof value.schema === 'string' && typeof value.version === 'number'
    ? byName.get(`${value.schema}/v${value.version}`)
    : undefined;

/** The oracle: TypeBox's checker, and event and edge times that are real instants. */
const typeboxAccepts = (value: Record<string, unknown>): boolean => {
  const contract = contractOf(value);
  if (!contract?.typebox.Check(value)) return false;
  const edge = value.edge as { receivedAt?: string } | undefined;
  return (
    !Number.isNaN(parseUtcMillis(value.eventTime as string)) &&
    (edge?.receivedAt === undefined || !Number.isNaN(parseUtcMillis(edge.receivedAt)))
  );
};

/** Compiled and TypeBox agree on `value`; when both accept, the compiled check returns its event time. */
const expectAgreement = (value: Record<string, unknown>) => {
  const contract = contractOf(value);
  if (!contract) return;
  const ms = contract.compiled(value);
  expect(Number.isNaN(ms) ? 'refused' : 'accepted', preview(value)).toBe(
    typeboxAccepts(value) ? 'accepted' : 'refused',
  );
  if (!Number.isNaN(ms)) expect(ms).toBe(parseUtcMillis(value.eventTime as string));
};

/** Values at and just past every bound a property schema declares, and of the wrong types. */
const edgesOf = (schema: TSchema): unknown[] => {
  const values: unknown[] = [null, true, {}, [], 'x', 0, -1, 1.5, Number.MAX_SAFE_INTEGER];
  for (const bound of ['minLength', 'maxLength'] as const) {
    const n = schema[bound];
    if (typeof n === 'number') for (const k of [n - 1, n, n + 1]) if (k >= 0) values.push('/'.repeat(k));
  }
  for (const bound of ['minimum', 'maximum'] as const) {
    const n = schema[bound];
    if (typeof n === 'number') values.push(n, n - 1, n + 1, n - 0.5, n + 0.5);
  }
  if (typeof schema.const !== 'undefined') values.push(schema.const, `${schema.const}x`);
  if (Array.isArray(schema.anyOf)) for (const member of schema.anyOf as TSchema[]) values.push(member.const);
  values.push(
    '2026-11-22T05:06:07Z',
    '2026-02-30T05:06:07Z',
    '2026-11-22T05:06:07.1234Z',
    '0b7e2a4c-1d2f-4a5b-9c8d-112233445566',
    '0B7E2A4C-1D2F-4A5B-9C8D-112233445566',
    '0b7e2a4c-1d2f-4a5b-9c8d-11223344556',
    'EUR',
    'EURO',
    'eur',
    'a b',
    '203.0.113.0',
    '2001:db8::',
    '/é',
  );
  return values;
};

/** One valid event of every contract, with and without an edge context. */
const seeds: Record<string, unknown>[] = (() => {
  const source = new MixedSource({ seed: 3 });
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < 20_000 && found.size < CONTRACTS.length; i++) {
    const event = source.next(NOW + i).event as unknown as Record<string, unknown>;
    found.set(`${event.schema}/v${event.version}`, event);
  }
  const events = [...found.values()];
  return [...events, ...events.map((event) => ({ ...event, edge: webEdge() }))];
})();

describe('compileContract', () => {
  it('accepts the simulators’ events of every contract, returning their event time', () => {
    // Prepare
    const source = new MixedSource({ seed: 1 });
    const events = Array.from({ length: 5_000 }, (_, i) => source.next(NOW + i).event);

    // Act, Assess
    for (const event of events) expectAgreement(event as unknown as Record<string, unknown>);
    expect(seeds.length).toBeGreaterThanOrEqual(CONTRACTS.length);
  });

  it('agrees with TypeBox on every record of the fuzz corpus that names a contract', () => {
    // Prepare
    const corpus = fuzzCorpus({ seed: 11, malformed: 3_000, valid: 1_000, nowMs: NOW, runId: 'check1' });
    let compared = 0;

    // Act, Assess
    for (const record of corpus) {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(record.data).toString('utf8'));
      } catch {
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      expectAgreement(value as Record<string, unknown>);
      compared++;
    }
    expect(compared).toBeGreaterThan(1_000);
    // A guard for a loaded machine (the default is 5 s), not a timing assertion.
  }, 30_000);

  it('agrees with TypeBox on events with each property, and each edge property, set to a value at or past its bounds', () => {
    for (const seed of seeds) {
      const { schema } = contractOf(seed) ?? {};
      const edgeSchema = (schema?.properties.edge as unknown as TObject).properties;
      for (const [field, property] of Object.entries(schema?.properties ?? {})) {
        for (const value of edgesOf(property)) expectAgreement({ ...seed, [field]: value });
        const { [field]: _, ...without } = seed;
        expectAgreement(without);
      }
      for (const [field, property] of Object.entries(edgeSchema)) {
        for (const value of edgesOf(property)) {
          expectAgreement({ ...seed, edge: { ...webEdge(), [field]: value } });
        }
      }
      expectAgreement({ ...seed, extra: 1 });
      expectAgreement({ ...seed, edge: { ...webEdge(), extra: 1 } });
      expectAgreement(JSON.parse(`{"__proto__":{"a":1},${JSON.stringify(seed).slice(1)}`));
    }
  });

  it('agrees with TypeBox on events with random fields replaced, deleted or added', () => {
    const field = fc.oneof(
      fc.constantFrom(...new Set(seeds.flatMap((seed) => Object.keys(seed)))),
      fc.string({ maxLength: 6 }),
    );
    const change = fc.record({ field, value: fc.option(fc.jsonValue(), { nil: undefined }) });
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(change, { maxLength: 3 }), (seed, changes) => {
        const event: Record<string, unknown> = { ...seed };
        for (const { field, value } of changes) {
          if (value === undefined) delete event[field];
          else event[field] = value;
        }
        expectAgreement(JSON.parse(JSON.stringify(event)));
      }),
      { numRuns: 3_000 },
    );
  });

  it('fails at load, naming the contract, the field and the keyword, for a rule it cannot compile', () => {
    // Prepare
    const schema = contractSchema(
      { dataset: 'clickstream', type: 'odd', version: 1 },
      { tags: Type.Array(Type.String()), step: Type.Number({ multipleOf: 5 }) },
    );
    const stepOnly = contractSchema(
      { dataset: 'clickstream', type: 'odd', version: 2 },
      { step: Type.Number({ multipleOf: 5 }) },
    );

    // Act, Assess
    expect(() => compileContract(schema)).toThrow(/clickstream\.odd\/v1: \/tags uses the Array type/);
    expect(() => compileContract(stepOnly)).toThrow(/\/step uses "multipleOf".*teach it that keyword/);
  });
});
