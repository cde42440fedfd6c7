import type { SeededRandom } from '../../../producers/random.ts';
import type { Context, Shape } from '../context.ts';
import { stringFields, template } from './template.ts';

// Records with a string no contract allows a character of: lone surrogates, controls, noncharacters.

const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '\ude00', '\udc00\ud800'];
const UNENCODABLE = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u000e',
  '\u001b',
  '\u001f',
  '\ufffe',
  '\uffff',
];

/** `value` with `inserted` after its first character (a page keeps its leading slash). */
const inserting = (value: string, inserted: string, r: SeededRandom) => {
  const at = r.int(1, Math.max(1, value.length));
  return value.slice(0, at) + inserted + value.slice(at);
};

/** The template with one of `characters` inserted into an identity, the page or another string. */
const withCharacter = (ctx: Context, characters: readonly string[]): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const field = r.pick(
    ['deviceId', 'sessionId', 'page'].filter((k) => k in event).concat(stringFields(event)),
  );
  return JSON.stringify({ ...event, [field]: inserting(String(event[field]), r.pick(characters), r) });
};

// JSON.stringify writes a lone surrogate as its escape (\ud800): the record stays valid UTF-8.
export const loneSurrogateRecord = (ctx: Context): Shape => withCharacter(ctx, LONE_SURROGATES);

export const controlCharsRecord = (ctx: Context): Shape => withCharacter(ctx, UNENCODABLE);
