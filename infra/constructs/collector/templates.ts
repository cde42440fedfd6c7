import { readFileSync } from 'node:fs';
import { EDGE_LIMITS } from '../../../schemas/index.ts';

/**
 * What the collector's mapping templates are told, as `#set` lines above each .vtl file: the templates
 * themselves stay plain VTL that a test renders as API Gateway would.
 */
export interface TemplateSettings {
  /** The event stream's name; a CDK token is fine (it resolves in the template). */
  readonly streamName: string;
  /** Origins whose requests are written, exactly as browsers send them in `Origin`. */
  readonly allowedOrigins: readonly string[];
  /** Whether the method writes only for a listed origin (browsers), or for any keyed caller (servers). */
  readonly originRequired: boolean;
  /** Where server-side sources send, named in the 403 a keyless request without an Origin gets. */
  readonly serverRoute: string;
  /** Retry-After of a 429, in seconds. */
  readonly retryAfterThrottledSeconds: number;
  /** Retry-After of a 503, in seconds. */
  readonly retryAfterUnavailableSeconds: number;
}

const vtl = (name: string): string => readFileSync(new URL(`./${name}.vtl`, import.meta.url), 'utf8');

const ORIGIN = vtl('origin');

/** Each template is its settings, then the origin check every template needs, then its own text. */
const compose = (settings: TemplateSettings, body: string): string =>
  [preamble(settings), ORIGIN, body].join('');

/** Single-quoted VTL literals: nothing in them is interpolated. Origins are validated before they get here. */
function preamble(settings: TemplateSettings): string {
  const origins = settings.allowedOrigins.map((origin) => `'${origin}'`).join(', ');
  return [
    `#set($streamName = '${settings.streamName}')`,
    `#set($allowedOrigins = [${origins}])`,
    `#set($originRequired = ${settings.originRequired})`,
    `#set($serverRoute = '${settings.serverRoute}')`,
    `#set($retryAfterThrottled = '${settings.retryAfterThrottledSeconds}')`,
    `#set($retryAfterUnavailable = '${settings.retryAfterUnavailableSeconds}')`,
    // The edge context's longest strings (schemas/envelope.ts): longer header values are cut to them.
    `#set($userAgentLimit = ${EDGE_LIMITS.userAgent})`,
    `#set($originLimit = ${EDGE_LIMITS.origin})`,
    '',
  ].join('\n');
}

/** The integration request: the batch as one Kinesis record, a PutRecords call of one entry. */
export const putRecordsRequest = (settings: TemplateSettings): string =>
  compose(settings, vtl('put-records-request'));

/** Kinesis answered 200: its one entry written → 200, refused → 429 or 503. */
export const putRecordsResult = (settings: TemplateSettings): string =>
  compose(settings, vtl('put-records-result'));

/** Kinesis answered 4xx: 403 (origin), 429 (throttled), 413 (too large), 400 (invalid) or 503. */
export const kinesisRefusal = (settings: TemplateSettings): string =>
  compose(settings, vtl('kinesis-refusal'));

/** Kinesis answered 5xx: 503 with Retry-After. */
export const kinesisUnavailable = (settings: TemplateSettings): string =>
  compose(settings, vtl('kinesis-unavailable'));
