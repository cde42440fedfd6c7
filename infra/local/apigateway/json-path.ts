/**
 * The JSONPath of `$input.path()` / `$input.json()` (Jayway's, in API Gateway): `$`, `.name`, `['name']`,
 * `[index]` (negative from the end), `[*]` / `.*` and `..name`. A definite path (no wildcard, no deep scan)
 * gives one value or nothing; an indefinite one gives the list of what it matched. Filters (`[?()]`), slices
 * and unions are not supported and say so.
 */

type Step =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'deep'; name: string };

export type PathResult = { found: true; value: unknown } | { found: false };

const STEP = /^(?:\.\.([\w$-]+)|\.([\w$-]+)|\.\*|\[\*\]|\[(-?\d+)\]|\[(['"])(.*?)\4\])/;

/** Parsed paths: templates ask for the same few (`$[0]` … `$[499]`) on every request. Bounded. */
const parsed = new Map<string, Step[]>();
const MAX_PARSED = 10_000;

const stepsOf = (path: string): Step[] => {
  let steps = parsed.get(path);
  if (!steps) {
    steps = parsePath(path);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(path, steps);
  }
  return steps;
};

const parsePath = (path: string): Step[] => {
  const trimmed = path.trim();
  if (!trimmed.startsWith('$')) throw new Error(`JSONPath ${JSON.stringify(path)} must start with $`);
  const steps: Step[] = [];
  let rest = trimmed.slice(1);
  // Each step consumes at least two characters, so this ends.
  while (rest.length > 0) {
    const match = STEP.exec(rest);
    if (!match) {
      throw new Error(
        `JSONPath ${JSON.stringify(path)}: cannot read ${JSON.stringify(rest)} (the local API Gateway reads .name, ['name'], [n], [*], .* and ..name)`,
      );
    }
    const [all, deep, name, index, , quoted] = match;
    if (deep !== undefined) steps.push({ kind: 'deep', name: deep });
    else if (name !== undefined) steps.push({ kind: 'name', name });
    else if (index !== undefined) steps.push({ kind: 'index', index: Number(index) });
    else if (quoted !== undefined) steps.push({ kind: 'name', name: quoted });
    else steps.push({ kind: 'wildcard' });
    rest = rest.slice(all.length);
  }
  return steps;
};

const childrenOf = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  return typeof value === 'object' && value !== null ? Object.values(value) : [];
};

const named = (value: unknown, name: string): unknown[] =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, name)
    ? [(value as Record<string, unknown>)[name]]
    : [];

/** Every value under `value` (itself included) that has a property `name`, depth first, with a bound on depth. */
const deepScan = (value: unknown, name: string, depth = 0): unknown[] => {
  if (depth > 256) return [];
  return [...named(value, name), ...childrenOf(value).flatMap((child) => deepScan(child, name, depth + 1))];
};

const apply = (step: Step, value: unknown): unknown[] => {
  switch (step.kind) {
    case 'name':
      return named(value, step.name);
    case 'index': {
      if (!Array.isArray(value)) return [];
      const at = step.index < 0 ? value.length + step.index : step.index;
      return at >= 0 && at < value.length ? [value[at]] : [];
    }
    case 'wildcard':
      return childrenOf(value);
    case 'deep':
      return deepScan(value, step.name);
  }
};

/** What `path` selects in `document`. */
export const selectPath = (document: unknown, path: string): PathResult => {
  const steps = stepsOf(path);
  let matches: unknown[] = [document];
  for (const step of steps) matches = matches.flatMap((value) => apply(step, value));
  const definite = steps.every((step) => step.kind === 'name' || step.kind === 'index');
  if (!definite) return { found: true, value: matches };
  return matches.length > 0 ? { found: true, value: matches[0] } : { found: false };
};
