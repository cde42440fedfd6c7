/** One position of a simple pattern: the ASCII characters it allows, and how many times in a row. */
interface Atom {
  readonly allowed: Uint8Array;
  readonly min: number;
  readonly max: number;
}

const DIGITS: readonly [number, number][] = [[48, 57]];

const tableOf = (ranges: readonly [number, number][]): Uint8Array | undefined => {
  const table = new Uint8Array(128);
  for (const [from, to] of ranges) {
    if (from > to || to > 127) return undefined;
    table.fill(1, from, to + 1);
  }
  return table;
};

/** `[0-9a-f]` or `[!-~]` (the text after `[`) → its ranges and where the class ends; no negation or escapes. */
const classAt = (pattern: string, at: number): { ranges: [number, number][]; end: number } | undefined => {
  const ranges: [number, number][] = [];
  let i = at;
  if (pattern[i] === '^') return undefined;
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\') return undefined;
    const from = pattern.charCodeAt(i);
    if (pattern[i + 1] === '-' && pattern[i + 2] !== ']' && i + 2 < pattern.length) {
      ranges.push([from, pattern.charCodeAt(i + 2)]);
      i += 3;
    } else {
      ranges.push([from, from]);
      i++;
    }
  }
  return i < pattern.length ? { ranges, end: i + 1 } : undefined;
};

/** `{8}`, `{1,3}`, `+` or nothing after an atom → its bounds and where they end. */
const quantifierAt = (pattern: string, at: number): { min: number; max: number; end: number } | undefined => {
  if (pattern[at] === '+') return { min: 1, max: Number.POSITIVE_INFINITY, end: at + 1 };
  const braces = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(at));
  if (!braces) return { min: 1, max: 1, end: at };
  const min = Number(braces[1]);
  return { min, max: braces[2] === undefined ? min : Number(braces[2]), end: at + braces[0].length };
};

const LITERAL = /^[A-Za-z0-9 /_:@#=,!'"%&<>~-]$/;

const atomAt = (pattern: string, at: number): { atom: Atom; end: number } | undefined => {
  let ranges: [number, number][];
  let end: number;
  const c = pattern[at] as string;
  if (c === '[') {
    const found = classAt(pattern, at + 1);
    if (!found) return undefined;
    ({ ranges, end } = found);
  } else if (c === '\\' && pattern[at + 1] === 'd') {
    [ranges, end] = [[...DIGITS], at + 2];
  } else if (LITERAL.test(c)) {
    [ranges, end] = [[[c.charCodeAt(0), c.charCodeAt(0)]], at + 1];
  } else {
    return undefined;
  }
  const allowed = tableOf(ranges);
  const quantifier = quantifierAt(pattern, end);
  if (!allowed || !quantifier) return undefined;
  return { atom: { allowed, min: quantifier.min, max: quantifier.max }, end: quantifier.end };
};

/** `^…$` or `^…` as atoms, or undefined when the pattern uses anything beyond ASCII classes and counts. */
const atomsOf = (pattern: string): { atoms: Atom[]; anchoredEnd: boolean } | undefined => {
  if (!pattern.startsWith('^')) return undefined;
  const anchoredEnd = pattern.endsWith('$') && !pattern.endsWith('\\$');
  const body = pattern.slice(1, anchoredEnd ? -1 : undefined);
  const atoms: Atom[] = [];
  for (let at = 0; at < body.length; ) {
    const found = atomAt(body, at);
    if (!found) return undefined;
    atoms.push(found.atom);
    at = found.end;
  }
  return { atoms, anchoredEnd };
};

const allIn = (allowed: Uint8Array, text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || allowed[c] === 0) return false;
  }
  return true;
};

/** Fixed-width atoms (`{8}`, `{4}`, one character): one allowed-table per character position. */
const fixedWidth = (atoms: readonly Atom[], anchoredEnd: boolean) => {
  const positions: Uint8Array[] = [];
  for (const atom of atoms) for (let k = 0; k < atom.min; k++) positions.push(atom.allowed);
  const width = positions.length;
  return (text: string): boolean => {
    if (anchoredEnd ? text.length !== width : text.length < width) return false;
    for (let i = 0; i < width; i++) {
      const c = text.charCodeAt(i);
      if (c > 127 || (positions[i] as Uint8Array)[c] === 0) return false;
    }
    return true;
  };
};

/**
 * A test equivalent to `new RegExp(pattern).test` (no flags, as TypeBox compiles it), as a character-table
 * loop when the pattern is anchored ASCII classes of fixed counts (`^[0-9a-f]{8}-…$`, `^/`) or one class
 * repeated (`^[!-~]+$`); otherwise the RegExp itself. Twice as fast as the RegExp on a UUID.
 */
export const patternTest = (pattern: string): ((text: string) => boolean) => {
  const parsed = atomsOf(pattern);
  const regexp = new RegExp(pattern);
  const viaRegExp = (text: string) => regexp.test(text);
  if (!parsed) return viaRegExp;
  const { atoms, anchoredEnd } = parsed;
  if (atoms.every((a) => a.min === a.max)) return fixedWidth(atoms, anchoredEnd);
  const [only] = atoms;
  if (atoms.length === 1 && only && anchoredEnd) {
    return (text) =>
      text.length >= only.min && text.length <= only.max && allIn(only.allowed, text, 0, text.length);
  }
  return viaRegExp;
};
