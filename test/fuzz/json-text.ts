// JSON text and bytes that JSON.stringify alone would not write: raw values, raw bytes, leading or repeated keys.

const utf8 = new TextEncoder();
export const encode = (text: string) => utf8.encode(text);

export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};

/** Stands for a value spliced into JSON text afterwards (raw JSON or raw bytes). */
const HOLE = 'FUZZ_HOLE_7f3a9c';

/** JSON of `value` with `field` set to the raw JSON text `raw` (which JSON.stringify could not write). */
export const withRaw = (value: Record<string, unknown>, field: string, raw: string): string =>
  JSON.stringify({ ...value, [field]: HOLE }).replace(`"${HOLE}"`, () => raw);

/** UTF-8 of `value` with raw `bytes` inside the string of `field`. */
export const withBytes = (value: Record<string, unknown>, field: string, bytes: Uint8Array): Uint8Array => {
  const original = typeof value[field] === 'string' ? (value[field] as string) : 'x';
  const cut = Math.min(1, original.length);
  const [before, after] = JSON.stringify({
    ...value,
    [field]: `${original.slice(0, cut)}${HOLE}${original.slice(cut)}`,
  }).split(HOLE) as [string, string];
  return concat(encode(before), bytes, encode(after));
};

/** JSON text with `"key":raw` as the first member (keys JSON.stringify would not write first, or twice). */
export const withLeadingMember = (value: Record<string, unknown>, key: string, raw: string): string => {
  const text = JSON.stringify(value);
  return `{${JSON.stringify(key)}:${raw}${text.length > 2 ? ',' : ''}${text.slice(1)}`;
};

/** JSON text with `"key":raw` appended as the last member (a duplicate key wins). */
export const withTrailingMember = (value: Record<string, unknown>, key: string, raw: string): string => {
  const text = JSON.stringify(value);
  return `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(key)}:${raw}}`;
};

export const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
