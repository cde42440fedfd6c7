import type { SeededRandom } from '../../../producers/random.ts';
import { type Context, type Shape, word } from '../context.ts';
import { concat, encode, withBytes } from '../json-text.ts';
import { HUGE_STRING_BYTES, MAX_EVENT_BYTES } from '../limits.ts';
import { stringFields, template } from './template.ts';

// Records spoiled below JSON: random bytes, invalid UTF-8, and sizes over the consumers' limit.

const randomBytes = (r: SeededRandom, length: number): Uint8Array => {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const n = r.uint32();
    for (let j = 0; j < 4 && i + j < length; j++) bytes[i + j] = (n >>> (8 * j)) & 0xff;
  }
  return bytes;
};

export const randomBytesRecord = ({ r }: Context): Shape =>
  randomBytes(r, r.chance(0.03) ? r.int(MAX_EVENT_BYTES + 1, 80_000) : r.int(16, 2_000));

const BAD_UTF8: readonly number[][] = [
  [0x80], // a continuation byte alone
  [0xbf, 0xbf],
  [0xc0, 0xaf], // overlong '/'
  [0xc1, 0xbf],
  [0xe0, 0x80, 0xaf], // overlong, 3 bytes
  [0xf0, 0x80, 0x80, 0xaf], // overlong, 4 bytes
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate encoded as UTF-8 (CESU-8)
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xfe],
  [0xff],
  [0xc3], // truncated 2-byte sequence
  [0xe2, 0x82], // truncated 3-byte sequence
  [0xe9], // Latin-1 'é'
];
export const invalidUtf8Record = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const bad = Uint8Array.from(r.pick(BAD_UTF8));
  if (r.chance(0.1)) return concat(encode(JSON.stringify(event).slice(0, -2)), bad); // cut mid-sequence at the end
  return withBytes(event, r.pick(stringFields(event)), bad);
};

export const hugeStringRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const chunk = word(r, 64, 64);
  const ascii = (bytes: number) => chunk.repeat(Math.ceil(bytes / 64)).slice(0, bytes);
  const bytes = r.int(HUGE_STRING_BYTES - 20_000, HUGE_STRING_BYTES);
  const text = r.chance(0.2) ? 'é'.repeat(bytes / 2) : ascii(bytes);
  const field = r.pick([...stringFields(event), 'extra']);
  if (r.chance(0.1)) return JSON.stringify(text);
  return JSON.stringify({ ...event, [field]: field === 'page' ? `/${text}` : text });
};

export const overLimitRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const text = JSON.stringify(template(ctx));
  const size = r.chance(0.5) ? MAX_EVENT_BYTES + 1 : r.int(MAX_EVENT_BYTES + 1, 100_000);
  // Whitespace is valid JSON: the event is otherwise valid, only its size is not.
  return r.chance(0.5) ? text + ' '.repeat(size - text.length) : ' '.repeat(size - text.length) + text;
};
