/**
 * The AWS Query protocol as SNS speaks it: form-encoded parameters in (`Attributes.entry.1.key`,
 * `PublishBatchRequestEntries.member.1.Id`), XML out in the 2010-03-31 namespace.
 */

export const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
export const SNS_API_VERSION = '2010-03-31';

/** An error the SDK turns into its typed exception by `Code` (NotFound → NotFoundException). */
export class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export const notFound = (message: string): SnsError => new SnsError('NotFound', message, 404);
export const invalidParameter = (message: string): SnsError => new SnsError('InvalidParameter', message);

/** An XML map shape: `<entry><key>…</key><value>…</value></entry>` per pair. */
export class XmlMap {
  constructor(readonly entries: Readonly<Record<string, string>>) {}
}

/** Arrays serialize as `<member>` lists, objects as structures; undefined members are left out. */
export type XmlValue =
  | string
  | number
  | boolean
  | undefined
  | XmlMap
  | readonly XmlValue[]
  | { readonly [name: string]: XmlValue };

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};

/** Escapes text for element content; a carriage return is escaped so XML parsers keep it. */
export const escapeXml = (text: string): string => text.replace(/[&<>"'\r]/g, (ch) => ENTITIES[ch] ?? ch);

const element = (name: string, value: XmlValue): string =>
  value === undefined ? '' : `<${name}>${toXml(value)}</${name}>`;

export const toXml = (value: XmlValue): string => {
  if (value === undefined) return '';
  if (typeof value !== 'object') return escapeXml(String(value));
  if (value instanceof XmlMap) {
    return Object.entries(value.entries)
      .map(([key, entry]) => `<entry>${element('key', key)}${element('value', entry)}</entry>`)
      .join('');
  }
  if (Array.isArray(value)) return value.map((member) => element('member', member)).join('');
  return Object.entries(value)
    .map(([name, child]) => element(name, child))
    .join('');
};

export const successXml = (action: string, result: XmlValue, requestId: string): string =>
  `<?xml version="1.0"?>\n<${action}Response xmlns="${SNS_XML_NAMESPACE}">` +
  `${element(`${action}Result`, result)}<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata>` +
  `</${action}Response>`;

export const errorXml = (error: SnsError, requestId: string): string =>
  `<?xml version="1.0"?>\n<ErrorResponse xmlns="${SNS_XML_NAMESPACE}">` +
  `<Error>${element('Type', error.type)}${element('Code', error.code)}${element('Message', error.message)}</Error>` +
  `${element('RequestId', requestId)}</ErrorResponse>`;

/** A message attribute as sent by Publish: `MessageAttributes.entry.N.Value.DataType` and friends. */
export interface MessageAttributeInput {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** The request parameters, read by name relative to a prefix (a batch entry reads `…member.N.`). */
export class QueryParams {
  constructor(
    private readonly values: URLSearchParams,
    private readonly prefix = '',
  ) {}

  get(name: string): string | undefined {
    return this.values.get(this.prefix + name) ?? undefined;
  }

  require(name: string): string {
    const value = this.get(name);
    if (value === undefined || value === '') {
      throw invalidParameter(`Invalid parameter: ${name} Reason: no value for required parameter`);
    }
    return value;
  }

  flag(name: string): boolean {
    return this.get(name)?.toLowerCase() === 'true';
  }

  /** The numbers N of `<name>.<kind>.N.…` parameters, in order. */
  private indexes(name: string, kind: 'member' | 'entry'): number[] {
    const start = `${this.prefix}${name}.${kind}.`;
    const found = new Set<number>();
    for (const key of this.values.keys()) {
      if (!key.startsWith(start)) continue;
      const index = Number.parseInt(key.slice(start.length), 10);
      if (Number.isInteger(index)) found.add(index);
    }
    return [...found].sort((a, b) => a - b);
  }

  list(name: string): QueryParams[] {
    return this.indexes(name, 'member').map(
      (index) => new QueryParams(this.values, `${this.prefix}${name}.member.${index}.`),
    );
  }

  map(name: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const index of this.indexes(name, 'entry')) {
      const key = this.get(`${name}.entry.${index}.key`);
      if (key !== undefined) result[key] = this.get(`${name}.entry.${index}.value`) ?? '';
    }
    return result;
  }

  messageAttributes(name: string): Record<string, MessageAttributeInput> {
    const result: Record<string, MessageAttributeInput> = {};
    for (const index of this.indexes(name, 'entry')) {
      const entry = `${name}.entry.${index}.`;
      const attribute = this.get(`${entry}Name`);
      if (attribute === undefined) continue;
      const stringValue = this.get(`${entry}Value.StringValue`);
      const binaryValue = this.get(`${entry}Value.BinaryValue`);
      result[attribute] = {
        DataType: this.get(`${entry}Value.DataType`) ?? '',
        ...(stringValue === undefined ? {} : { StringValue: stringValue }),
        ...(binaryValue === undefined ? {} : { BinaryValue: binaryValue }),
      };
    }
    return result;
  }
}
