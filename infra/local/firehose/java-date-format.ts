import type { ZonedFields } from './zoned-time.ts';

/** Prints an instant's fields as a compiled pattern says. */
export type DateFormat = (fields: ZonedFields) => string;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const padded = (value: number, width: number) => String(value).padStart(width, '0');

/** A number field as Java prints it for 1 or 2 letters (2: zero-padded); more letters are refused. */
const numberOfTwo =
  (letter: string, value: (f: ZonedFields) => number) =>
  (count: number): DateFormat => {
    if (count > 2) throw new Error(`too many pattern letters: ${letter.repeat(count)} (at most 2)`);
    return (f) => padded(value(f), count);
  };

/** A text field: 1-3 letters short, 4 full, 5 narrow (Java's TextStyle), as English prints it. */
const textOf =
  (letter: string, names: readonly string[], index: (f: ZonedFields) => number) =>
  (count: number): DateFormat => {
    if (count > 5) throw new Error(`too many pattern letters: ${letter.repeat(count)} (at most 5)`);
    const width = count === 4 ? Number.POSITIVE_INFINITY : count === 5 ? 1 : 3;
    return (f) => (names[index(f)] as string).slice(0, width);
  };

/** y/u: 2 letters print the last two digits; otherwise at least as many digits as letters. */
const year = (count: number): DateFormat =>
  count === 2 ? (f) => padded(f.year % 100, 2) : (f) => padded(f.year, count);

const month = (letter: string) => (count: number) =>
  count <= 2 ? numberOfTwo(letter, (f) => f.month)(count) : textOf(letter, MONTHS, (f) => f.month - 1)(count);

/** The pattern letters the local Firehose prints, each with how its letter count changes the output. */
const LETTERS: Readonly<Record<string, (count: number) => DateFormat>> = {
  y: year,
  u: year,
  M: month('M'),
  L: month('L'),
  d: numberOfTwo('d', (f) => f.day),
  D: (count) => {
    if (count > 3) throw new Error(`too many pattern letters: ${'D'.repeat(count)} (at most 3)`);
    return (f) => padded(f.dayOfYear, count);
  },
  H: numberOfTwo('H', (f) => f.hour),
  k: numberOfTwo('k', (f) => (f.hour === 0 ? 24 : f.hour)),
  K: numberOfTwo('K', (f) => f.hour % 12),
  h: numberOfTwo('h', (f) => (f.hour % 12 === 0 ? 12 : f.hour % 12)),
  m: numberOfTwo('m', (f) => f.minute),
  s: numberOfTwo('s', (f) => f.second),
  S: (count) => {
    if (count > 9) throw new Error(`too many pattern letters: ${'S'.repeat(count)} (at most 9)`);
    return (f) => padded(f.millisecond, 3).padEnd(9, '0').slice(0, count);
  },
  a: (count) => {
    if (count > 1) throw new Error(`too many pattern letters: ${'a'.repeat(count)} (at most 1)`);
    return (f) => (f.hour < 12 ? 'AM' : 'PM');
  },
  E: textOf('E', DAYS, (f) => f.dayOfWeek - 1),
  G: (count) => {
    if (count > 5) throw new Error(`too many pattern letters: ${'G'.repeat(count)} (at most 5)`);
    const era = count === 4 ? 'Anno Domini' : count === 5 ? 'A' : 'AD';
    return () => era;
  },
};

const isLetter = (c: string) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

/** Reads a quoted literal starting after the opening quote at `from`; `''` inside is one quote. */
const quoted = (pattern: string, from: number): { text: string; next: number } => {
  let text = '';
  for (let i = from; i < pattern.length; i++) {
    if (pattern[i] !== "'") {
      text += pattern[i];
      continue;
    }
    if (pattern[i + 1] !== "'") return { text, next: i + 1 };
    text += "'";
    i++;
  }
  throw new Error('the pattern ends inside a quoted literal: close it with a single quote');
};

/** The field of the run of letter `c` starting at `from`, and where the pattern goes on. */
const fieldAt = (pattern: string, from: number): { piece: DateFormat; next: number } => {
  const c = pattern[from] as string;
  let count = 1;
  while (pattern[from + count] === c) count++;
  const field = LETTERS[c];
  if (!field) {
    throw new Error(
      `pattern letter ${c} is not printed by the local Firehose: use ${Object.keys(LETTERS).join(' ')} or quote literal text ('…')`,
    );
  }
  return { piece: field(count), next: from + count };
};

/**
 * Compiles a Java DateTimeFormatter pattern (`yyyy-MM-dd`, `'year='yyyy`) as Firehose evaluates
 * `!{timestamp:…}`: letters are fields, text in single quotes and other characters are literal, `''` is a
 * quote, `[` `]` (optional sections) always print. Letters the local cloud does not print (week-based
 * fields, zones, quarters, …) are refused, naming the letter.
 */
export const compileDatePattern = (pattern: string): DateFormat => {
  const pieces: DateFormat[] = [];
  const literal = (text: string) => pieces.push(() => text);
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] as string;
    if (c === "'" && pattern[i + 1] === "'") {
      literal("'");
      i += 2;
    } else if (c === "'") {
      const { text, next } = quoted(pattern, i + 1);
      literal(text);
      i = next;
    } else if (isLetter(c)) {
      const { piece, next } = fieldAt(pattern, i);
      pieces.push(piece);
      i = next;
    } else if (c === '{' || c === '}' || c === '#') {
      throw new Error(`${c} is reserved in a DateTimeFormatter pattern: quote it ('${c}') to print it`);
    } else {
      if (c !== '[' && c !== ']') literal(c);
      i++;
    }
  }
  return (fields) => pieces.map((piece) => piece(fields)).join('');
};
