import type { TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type { ClickstreamEvent } from './clickstream.ts';
import { CONTRACTS, contractKey } from './registry.ts';
import type { TelemetryEvent } from './telemetry.ts';

export type StreamlakeEvent = ClickstreamEvent | TelemetryEvent;

/** Why an event was refused; each reason is counted and quarantined on its own. */
export type InvalidReason = 'invalid-json' | 'unknown-schema' | 'schema-violation';

export type ParseResult =
  | { readonly ok: true; readonly event: StreamlakeEvent; readonly eventTimeMs: number }
  | { readonly ok: false; readonly reason: InvalidReason; readonly detail: string };

const checkers = new Map<string, TypeCheck<TObject>>(
  CONTRACTS.map((schema) => {
    const props = schema.properties as Record<string, { const?: unknown }>;
    return [
      contractKey(String(props.schema?.const), Number(props.version?.const)),
      TypeCompiler.Compile(schema),
    ];
  }),
);

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
  const checker =
    typeof schema === 'string' && typeof version === 'number'
      ? checkers.get(contractKey(schema, version))
      : undefined;
  if (!checker) {
    return {
      ok: false,
      reason: 'unknown-schema',
      detail: `no contract for schema ${preview(schema)} version ${preview(version)}; known: ${[...checkers.keys()].join(', ')}`,
    };
  }
  if (!checker.Check(value)) {
    const first = checker.Errors(value).First();
    const path = first?.path || '/';
    return {
      ok: false,
      reason: 'schema-violation',
      detail: `${schema} v${version}: ${path} ${first?.message ?? 'is invalid'} (given ${preview(first?.value)})`,
    };
  }
  const event = value as StreamlakeEvent;
  return { ok: true, event, eventTimeMs: Date.parse(event.eventTime) };
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
