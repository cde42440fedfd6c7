/**
 * CloudWatch Logs filter patterns, the subset a metric filter over JSON log lines uses:
 * `""` (every line), terms (`ERROR "bad request"`: every term in the line), and JSON patterns
 * `{ $.a.b = "x*" && $.n >= 3 || $.c != * }` (comparisons joined by && and ||, && binding tighter; no
 * parentheses). Anything else is refused at start-up, naming the pattern.
 */
export type FilterPattern = (line: string, json: () => unknown) => boolean;

type Comparison = { readonly path: readonly string[]; readonly op: string; readonly value: string | number };

const COMPARISON =
  /^\$((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)\s*(=|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[^\s&|"]+)$/;

const valueAt = (json: unknown, path: readonly string[]): unknown => {
  let at = json;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
};

/** A string value with `*` as wildcard, matched as CloudWatch does (whole value). */
const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

const comparisonOf = (text: string, pattern: string): Comparison => {
  const match = COMPARISON.exec(text.trim());
  if (!match) {
    throw new Error(
      `filter pattern ${JSON.stringify(pattern)}: "${text.trim()}" is not a comparison the local cloud evaluates ($.field = "value", $.n >= 3, …)`,
    );
  }
  const [, path = '', op = '=', raw = ''] = match;
  const numeric = /^-?\d+(\.\d+)?$/.test(raw);
  const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : numeric ? Number(raw) : raw;
  if (typeof value === 'string' && op !== '=' && op !== '!=') {
    throw new Error(`filter pattern ${JSON.stringify(pattern)}: ${op} needs a number (given ${raw})`);
  }
  return { path: path.slice(1).split('.'), op, value };
};

const NUMERIC_TESTS: Readonly<Record<string, (n: number, value: number) => boolean>> = {
  '=': (n, v) => n === v,
  '!=': (n, v) => n !== v,
  '<': (n, v) => n < v,
  '>': (n, v) => n > v,
  '<=': (n, v) => n <= v,
  '>=': (n, v) => n >= v,
};

const holds = (comparison: Comparison, json: unknown): boolean => {
  const actual = valueAt(json, comparison.path);
  const { op, value } = comparison;
  if (typeof value === 'number') {
    const n = typeof actual === 'number' || typeof actual === 'string' ? Number(actual) : Number.NaN;
    return !Number.isNaN(n) && (NUMERIC_TESTS[op]?.(n, value) ?? false);
  }
  if (actual === undefined) return false;
  const matches = wildcard(value).test(actual === null ? 'null' : String(actual));
  return op === '=' ? matches : !matches;
};

const jsonPattern = (pattern: string): FilterPattern => {
  const body = pattern.trim().slice(1, -1);
  if (body.includes('(') || body.includes(')')) {
    throw new Error(`filter pattern ${JSON.stringify(pattern)}: parentheses are not evaluated locally`);
  }
  const alternatives = body.split('||').map((any) => any.split('&&').map((c) => comparisonOf(c, pattern)));
  return (_line, json) => {
    const parsed = json();
    if (parsed === undefined) return false;
    return alternatives.some((all) => all.every((comparison) => holds(comparison, parsed)));
  };
};

const termsPattern = (pattern: string): FilterPattern => {
  const terms = [...pattern.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] === undefined ? (m[2] as string) : (JSON.parse(`"${m[1]}"`) as string),
  );
  if (terms.some((term) => /^[-?[]/.test(term))) {
    throw new Error(
      `filter pattern ${JSON.stringify(pattern)}: exclusions (-), optional terms (?) and space-delimited patterns ([…]) are not evaluated locally`,
    );
  }
  return (line) => terms.every((term) => line.includes(term));
};

/** Compiles a metric filter's pattern; throws naming it when the local cloud cannot evaluate it. */
export const compileFilterPattern = (pattern: string): FilterPattern => {
  const trimmed = pattern.trim();
  if (trimmed === '') return () => true;
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return jsonPattern(trimmed);
  return termsPattern(trimmed);
};
