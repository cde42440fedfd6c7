import type { MethodPlan } from './api-plan.ts';

export interface RouteMatch {
  readonly method: MethodPlan;
  /** `{name}` and `{name+}` parts of the resource path, URL-decoded. */
  readonly pathParameters: Record<string, string>;
}

/** How specific a matched part is: a literal beats `{name}`, which beats a greedy `{name+}`. */
const LITERAL = 3;
const PARAMETER = 2;
const GREEDY = 1;

const segmentsOf = (path: string) => path.split('/').filter((segment) => segment !== '');

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The parameters and per-part specificity of `path` under resource path `template`, or undefined if it does not match. */
const matchTemplate = (template: string, path: string[]) => {
  const parts = segmentsOf(template);
  const parameters: Record<string, string> = {};
  const ranks: number[] = [];
  for (const [i, part] of parts.entries()) {
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (i !== parts.length - 1 || path.length <= i) return undefined;
      parameters[greedy[1] as string] = path.slice(i).map(decode).join('/');
      ranks.push(GREEDY);
      return { parameters, ranks };
    }
    const segment = path[i];
    if (segment === undefined) return undefined;
    const parameter = /^\{(.+)\}$/.exec(part);
    if (parameter) parameters[parameter[1] as string] = decode(segment);
    else if (part !== decode(segment)) return undefined;
    ranks.push(parameter ? PARAMETER : LITERAL);
  }
  return parts.length === path.length ? { parameters, ranks } : undefined;
};

/** Whether specificity `a` beats `b`, compared part by part from the left. */
const moreSpecific = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return false;
};

/**
 * The method that serves `httpMethod` on `path` (the path after the stage): among the resources whose path
 * matches and that declare the method or ANY, the most specific (literal parts before `{param}` before
 * `{proxy+}`); the exact method before ANY.
 */
export const matchRoute = (
  methods: readonly MethodPlan[],
  httpMethod: string,
  path: string,
): RouteMatch | undefined => {
  const segments = segmentsOf(path);
  let best: (RouteMatch & { ranks: number[]; exact: boolean }) | undefined;
  for (const method of methods) {
    const exact = method.httpMethod === httpMethod;
    if (!exact && method.httpMethod !== 'ANY') continue;
    const match = matchTemplate(method.resourcePath, segments);
    if (!match) continue;
    const better =
      !best ||
      moreSpecific(match.ranks, best.ranks) ||
      (!moreSpecific(best.ranks, match.ranks) && exact && !best.exact);
    if (better) best = { method, pathParameters: match.parameters, ranks: match.ranks, exact };
  }
  return best && { method: best.method, pathParameters: best.pathParameters };
};
