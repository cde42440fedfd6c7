import type { ErrorObject } from 'ajv';

/**
 * Ajv's draft-4 errors worded as API Gateway words them in `$context.error.validationErrorString` (the
 * messages of its validator, java-json-tools' json-schema-validator): `[object has missing required properties
 * (["eventId"])]`. Lists are JSON arrays without spaces; values JSON; the messages joined as a Java list.
 */

type Params = Record<string, unknown>;

/** A draft-4 primitive type name of a JSON value, as the validator reports it. */
const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const json = (value: unknown) => JSON.stringify(value);
const list = (values: readonly unknown[]) => `[${values.map(json).join(',')}]`;

const DATE_TIME_FORMATS = "[yyyy-MM-dd'T'HH:mm:ssZ, yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z]";
const FORMAT_NAMES: Record<string, string> = {
  email: 'email address',
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
  hostname: 'hostname',
  uri: 'URI',
};

const formatMessage = (format: unknown, data: unknown): string =>
  format === 'date-time'
    ? `string ${json(data)} is invalid against requested date format(s) ${DATE_TIME_FORMATS}`
    : `string ${json(data)} is not a valid ${FORMAT_NAMES[String(format)] ?? String(format)}`;

const limitMessage = (keyword: string, params: Params, data: unknown): string | undefined => {
  const limit = params.limit;
  switch (keyword) {
    case 'minItems':
      return `array is too short: must have at least ${limit} elements but instance has ${(data as unknown[]).length} elements`;
    case 'maxItems':
      return `array is too long: must have at most ${limit} elements but instance has ${(data as unknown[]).length} elements`;
    case 'minLength':
      return `string ${json(data)} is too short (length: ${String(data).length}, required minimum: ${limit})`;
    case 'maxLength':
      return `string ${json(data)} is too long (length: ${String(data).length}, maximum allowed: ${limit})`;
    case 'minProperties':
      return `object has too few properties (found ${Object.keys(data as object).length}, required minimum: ${limit})`;
    case 'maxProperties':
      return `object has too many properties (found ${Object.keys(data as object).length}, maximum allowed: ${limit})`;
    case 'minimum':
      return params.comparison === '>'
        ? `numeric instance is not strictly greater than the required minimum ${limit}`
        : `numeric instance is lower than the required minimum (minimum: ${limit}, found: ${json(data)})`;
    case 'maximum':
      return params.comparison === '<'
        ? `numeric instance is not strictly lower than the required maximum ${limit}`
        : `numeric instance is greater than the required maximum (maximum: ${limit}, found: ${json(data)})`;
    default:
      return undefined;
  }
};

/** One Ajv error (other than `required` and `additionalProperties`, which are grouped) as a message. */
const messageOf = (error: ErrorObject): string => {
  const params = error.params as Params;
  const limited = limitMessage(error.keyword, params, error.data);
  if (limited) return limited;
  switch (error.keyword) {
    case 'type': {
      const allowed = String(params.type).split(',');
      return `instance type (${typeOf(error.data)}) does not match any allowed primitive type (allowed: ${list(allowed)})`;
    }
    case 'enum':
      return `instance value (${json(error.data)}) not found in enum (possible values: ${list(params.allowedValues as unknown[])})`;
    case 'pattern':
      return `ECMA 262 regex ${json(params.pattern)} does not match input string ${json(error.data)}`;
    case 'format':
      return formatMessage(params.format, error.data);
    case 'uniqueItems':
      return 'array must not contain duplicate elements';
    case 'multipleOf':
      return `remainder of division is not zero (${json(error.data)} / ${params.multipleOf})`;
    case 'anyOf':
      return `instance failed to match at least one required schema among ${(error.schema as unknown[]).length}`;
    case 'oneOf': {
      const passing = params.passingSchemas;
      const matched = Array.isArray(passing) ? passing.length : passing === null ? 0 : 1;
      return `instance failed to match exactly one schema (matched ${matched} out of ${(error.schema as unknown[]).length})`;
    }
    case 'not':
      return 'instance matched a schema which it should not have';
    default:
      return error.message ?? error.keyword;
  }
};

/** Errors inside an anyOf/oneOf/not branch are the reason that keyword failed, reported by it alone. */
const insideCombinator = (error: ErrorObject) => /\/(anyOf|oneOf|not)\//.test(error.schemaPath);

/** `required` errors of one object, one per missing property in Ajv, one message in API Gateway; same for extra properties. */
const grouped = (errors: ErrorObject[], keyword: string, param: string) => {
  const groups = new Map<string, string[]>();
  for (const error of errors.filter((e) => e.keyword === keyword)) {
    const key = `${error.instancePath} ${error.schemaPath}`;
    groups.set(key, [...(groups.get(key) ?? []), String((error.params as Params)[param])]);
  }
  return groups;
};

/** The validation error string of a failed validation. */
export const validationErrorString = (errors: readonly ErrorObject[]): string => {
  const reported = errors.filter((error) => !insideCombinator(error));
  const missing = grouped(reported, 'required', 'missingProperty');
  const extra = grouped(reported, 'additionalProperties', 'additionalProperty');
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const error of reported) {
    const key = `${error.keyword} ${error.instancePath} ${error.schemaPath}`;
    if (error.keyword === 'required' || error.keyword === 'additionalProperties') {
      if (seen.has(key)) continue;
      seen.add(key);
      const group = `${error.instancePath} ${error.schemaPath}`;
      messages.push(
        error.keyword === 'required'
          ? `object has missing required properties (${list(missing.get(group) ?? [])})`
          : `object instance has properties which are not allowed by the schema: ${list(extra.get(group) ?? [])}`,
      );
      continue;
    }
    messages.push(messageOf(error));
  }
  return `[${messages.join(', ')}]`;
};
