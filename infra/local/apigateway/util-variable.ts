/** `$util` in a mapping template: API Gateway's utility functions, with the Java behaviour they have there. */

const hex4 = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');

const ESCAPES: Record<string, string> = {
  "'": "\\'",
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * Apache Commons Lang's `escapeJavaScript`: quotes (single ones too, which JSON does not allow escaped),
 * backslash, slash and control characters escaped, every character above U+007F as `\uXXXX` (upper-case hex,
 * UTF-16 code units).
 */
export const escapeJavaScript = (value: unknown): string => {
  let escaped = '';
  for (const char of String(value ?? '')) {
    const known = ESCAPES[char];
    if (known !== undefined) {
      escaped += known;
      continue;
    }
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code > 0x7f) {
      // Characters outside the BMP are two UTF-16 code units, each escaped.
      for (let i = 0; i < char.length; i++) escaped += `\\u${hex4(char.charCodeAt(i))}`;
    } else {
      escaped += char;
    }
  }
  return escaped;
};

/** Java's URLEncoder (UTF-8): form encoding, where a space is `+` and `!'()~` are escaped too. */
export const urlEncode = (value: unknown): string =>
  encodeURIComponent(String(value ?? ''))
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/** Java's URLDecoder (UTF-8). */
export const urlDecode = (value: unknown): string =>
  decodeURIComponent(String(value ?? '').replace(/\+/g, ' '));

export const base64Encode = (value: unknown): string =>
  Buffer.from(String(value ?? ''), 'utf8').toString('base64');

export const base64Decode = (value: unknown): string =>
  Buffer.from(String(value ?? ''), 'base64').toString('utf8');

/** `$util.parseJson`: stringified JSON to an object the template can walk. */
export const parseJson = (value: unknown): unknown => JSON.parse(String(value));

/** The `$util` variable. */
export const utilVariable = () => ({
  escapeJavaScript,
  parseJson,
  urlEncode,
  urlDecode,
  base64Encode,
  base64Decode,
});
