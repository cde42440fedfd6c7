import type { TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type { ClickstreamEvent } from './clickstream.ts';
import { CONTRACTS, contractKey } from './registry.ts';
import type { TelemetryEvent } from './telemetry.ts';
import { parseUtcMillis } from './time.ts';

export type StreamlakeEvent = ClickstreamEvent | TelemetryEvent;

/** Why an event was refused; each reason is counted and quarantined on its own. */
export type InvalidReason = 'invalid-json' | 'unknown-schema' | 'schema-violation';

export type ParseResult =
  | { readonly ok: true; readonly event: StreamlakeEvent; readonly eventTimeMs: number }
  | { readonly ok: false; readonly reason: InvalidReason; readonly detail: string };

interface Contract {
  readonly checker: TypeCheck<TObject>;
  /** Full validation with error paths, only run once the fast check has failed. */
  readonly strict: TypeCheck<TObject>;
  readonly fields: ReadonlySet<string>;
}

/**
 * Contracts by schema name, then version: no per-event key string. The fast checker is compiled
 * without the closed-object rule, which a Set lookup per field does far cheaper than TypeBox's
 * generated `getOwnPropertyNames().every(includes)`.
 */
const contracts = new Map<string, Map<number, Contract>>();
for (const schema of CONTRACTS) {
  const props = schema.properties as Record<string, { const?: unknown }>;
  const name = String(props.schema?.const);
  const version = Number(props.version?.const);
  const open = { ...schema, additionalProperties: true } as TObject;
  const byVersion = contracts.get(name) ?? new Map<number, Contract>();
  byVersion.set(version, {
    checker: TypeCompiler.Compile(open),
    strict: TypeCompiler.Compile(schema),
    fields: new Set(Object.keys(schema.properties)),
  });
  contracts.set(name, byVersion);
}
const knownContracts = CONTRACTS.map((schema) => {
  const props = schema.properties as Record<string, { const?: unknown }>;
  return contractKey(String(props.schema?.const), Number(props.version?.const));
});

const onlyKnownFields = (value: object, fields: ReadonlySet<string>): boolean => {
  for (const key in value) if (!fields.has(key)) return false;
  return true;
};

const preview = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** Validates an already-parsed value against the contract it names. */
export const validateEvent = (value: unknown): ParseResult => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'schema-violation', detail: `expected a JSON object, got ${preview(value)}` };
  }
  const { schema, version } = value as { schema?: unknown; version?: unknown };
  const contract =
    typeof schema === 'string' && typeof version === 'number'
      ? contracts.get(schema)?.get(version)
      : undefined;
  if (!contract) {
    return {
      ok: false,
      reason: 'unknown-schema',
      detail: `no contract for schema ${preview(schema)} version ${preview(version)}; known: ${knownContracts.join(', ')}`,
    };
  }
  if (!contract.checker.Check(value) || !onlyKnownFields(value, contract.fields)) {
    const first = contract.strict.Errors(value).First();
    const path = first?.path || '/';
    return {
      ok: false,
      reason: 'schema-violation',
      detail: `${schema} v${version}: ${path} ${first?.message ?? 'is invalid'} (given ${preview(first?.value)})`,
    };
  }
  const event = value as StreamlakeEvent;
  return { ok: true, event, eventTimeMs: parseUtcMillis(event.eventTime) };
};

/** Parses one JSON document and validates it; never throws. */
export const parseEvent = (text: string): ParseResult => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'invalid-json', detail: `${(error as Error).message} in ${preview(text)}` };
  }
  return validateEvent(value);
};
