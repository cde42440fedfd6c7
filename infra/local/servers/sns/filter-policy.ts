/**
 * SNS subscription filter policies: parsed once when a subscription sets one, then matched against
 * each published message — its attributes (the default scope) or its JSON body.
 */

type Scalar = string | number | boolean | null;
type NumericOperator = '=' | '>' | '>=' | '<' | '<=';

type Condition =
  | { readonly kind: 'equals'; readonly value: Scalar }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'suffix'; readonly value: string }
  | { readonly kind: 'anything-but'; readonly excluded: (value: Scalar) => boolean }
  | { readonly kind: 'numeric'; readonly bounds: ReadonlyArray<readonly [NumericOperator, number]> }
  | { readonly kind: 'exists'; readonly value: boolean };

interface PolicyNode {
  readonly leaves: ReadonlyArray<readonly [string, readonly Condition[]]>;
  readonly nested: ReadonlyArray<readonly [string, PolicyNode]>;
  /** Each `$or` group must have at least one alternative that matches. */
  readonly anyOf: ReadonlyArray<readonly PolicyNode[]>;
}

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

export interface FilterPolicy {
  readonly scope: FilterPolicyScope;
  readonly root: PolicyNode;
}

/** A message attribute as SNS delivers it: `{ Type: 'Number', Value: '5' }`. */
export interface AttributeValue {
  readonly Type: string;
  readonly Value: string;
}

const NUMERIC_OPERATORS = new Set<string>(['=', '>', '>=', '<', '<=']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: unknown): value is Scalar =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

const requireString = (operator: string, value: unknown): string => {
  if (typeof value !== 'string')
    throw new Error(`${operator} match pattern must be a string (given ${JSON.stringify(value)})`);
  return value;
};

const parseNumeric = (value: unknown): Condition => {
  if (!Array.isArray(value) || value.length === 0 || value.length % 2 !== 0 || value.length > 4) {
    throw new Error(
      `numeric match pattern must be [operator, number] or a range of two (given ${JSON.stringify(value)})`,
    );
  }
  const bounds: Array<readonly [NumericOperator, number]> = [];
  for (let i = 0; i < value.length; i += 2) {
    const [operator, bound] = [value[i], value[i + 1]];
    if (typeof operator !== 'string' || !NUMERIC_OPERATORS.has(operator)) {
      throw new Error(`Unrecognized numeric range operator: ${JSON.stringify(operator)}`);
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw new Error(`Value of ${operator} must be numeric (given ${JSON.stringify(bound)})`);
    }
    bounds.push([operator as NumericOperator, bound]);
  }
  if (bounds.length === 2 && bounds.some(([operator]) => operator === '=')) {
    throw new Error(`numeric "=" cannot be part of a range (given ${JSON.stringify(value)})`);
  }
  return { kind: 'numeric', bounds };
};

const parseAnythingBut = (value: unknown): Condition => {
  if (isObject(value)) {
    const [[operator, affix] = []] = Object.entries(value);
    if (operator === 'prefix' || operator === 'suffix') {
      const text = requireString(`anything-but ${operator}`, affix);
      return {
        kind: 'anything-but',
        excluded: (candidate) =>
          typeof candidate === 'string' &&
          (operator === 'prefix' ? candidate.startsWith(text) : candidate.endsWith(text)),
      };
    }
    throw new Error(`Unsupported anything-but pattern: ${JSON.stringify(value)}`);
  }
  const values = Array.isArray(value) ? value : [value];
  if (!values.every(isScalar))
    throw new Error(`anything-but values must be strings or numbers (given ${JSON.stringify(value)})`);
  return { kind: 'anything-but', excluded: (candidate) => values.includes(candidate) };
};

const parseCondition = (pattern: unknown): Condition => {
  if (isScalar(pattern)) return { kind: 'equals', value: pattern };
  if (!isObject(pattern) || Object.keys(pattern).length !== 1) {
    throw new Error(
      `Match value must be a string, number or one operator object (given ${JSON.stringify(pattern)})`,
    );
  }
  const [[operator, value]] = Object.entries(pattern) as [[string, unknown]];
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      return { kind: operator, value: requireString(operator, value) };
    case 'anything-but':
      return parseAnythingBut(value);
    case 'numeric':
      return parseNumeric(value);
    case 'exists':
      if (typeof value !== 'boolean')
        throw new Error(`exists match pattern must be true or false (given ${JSON.stringify(value)})`);
      return { kind: 'exists', value };
    default:
      throw new Error(`Unrecognized match type ${operator}`);
  }
};

const parseNode = (policy: unknown, scope: FilterPolicyScope): PolicyNode => {
  if (!isObject(policy))
    throw new Error(`Filter policy must be a JSON object (given ${JSON.stringify(policy)})`);
  const node = {
    leaves: [] as Array<[string, Condition[]]>,
    nested: [] as Array<[string, PolicyNode]>,
    anyOf: [] as PolicyNode[][],
  };
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        throw new Error('$or must be an array of at least two policies');
      node.anyOf.push(value.map((alternative) => parseNode(alternative, scope)));
    } else if (isObject(value) && scope === 'MessageBody') {
      node.nested.push([key, parseNode(value, scope)]);
    } else if (isObject(value)) {
      throw new Error(
        `Filter policy scope MessageAttributes does not support nested filter policy (key ${key})`,
      );
    } else {
      const patterns = Array.isArray(value) ? value : [value];
      if (patterns.length === 0) throw new Error(`Empty arrays are not allowed (key ${key})`);
      node.leaves.push([key, patterns.map(parseCondition)]);
    }
  }
  return node;
};

/** Parses a FilterPolicy attribute; throws an Error whose message says what is wrong with it. */
export const parseFilterPolicy = (
  json: string,
  scope: FilterPolicyScope = 'MessageAttributes',
): FilterPolicy => {
  let policy: unknown;
  try {
    policy = JSON.parse(json);
  } catch {
    throw new Error(`failed to parse JSON (given ${json})`);
  }
  return { scope, root: parseNode(policy, scope) };
};

const compare = (operator: NumericOperator, value: number, bound: number): boolean =>
  operator === '='
    ? value === bound
    : operator === '>'
      ? value > bound
      : operator === '>='
        ? value >= bound
        : operator === '<'
          ? value < bound
          : value <= bound;

const satisfies = (condition: Condition, candidates: Scalar[] | undefined): boolean => {
  if (condition.kind === 'exists') return condition.value === (candidates !== undefined);
  if (candidates === undefined) return false;
  return candidates.some((candidate) => {
    switch (condition.kind) {
      case 'equals':
        return candidate === condition.value;
      case 'equals-ignore-case':
        return typeof candidate === 'string' && candidate.toLowerCase() === condition.value.toLowerCase();
      case 'prefix':
        return typeof candidate === 'string' && candidate.startsWith(condition.value);
      case 'suffix':
        return typeof candidate === 'string' && candidate.endsWith(condition.value);
      case 'anything-but':
        return !condition.excluded(candidate);
      case 'numeric':
        return (
          typeof candidate === 'number' &&
          condition.bounds.every(([operator, bound]) => compare(operator, candidate, bound))
        );
    }
    return false;
  });
};

const matchesNode = (node: PolicyNode, document: unknown): boolean => {
  const fields = isObject(document) ? document : {};
  const leavesMatch = node.leaves.every(([key, conditions]) => {
    const value = fields[key];
    const candidates =
      value === undefined ? undefined : (Array.isArray(value) ? value : [value]).filter(isScalar);
    return conditions.some((condition) => satisfies(condition, candidates));
  });
  const nestedMatch = node.nested.every(([key, child]) => {
    const value = fields[key];
    return Array.isArray(value) ? value.some((item) => matchesNode(child, item)) : matchesNode(child, value);
  });
  return (
    leavesMatch && nestedMatch && node.anyOf.every((group) => group.some((alt) => matchesNode(alt, document)))
  );
};

/** Message attributes as the document a policy tests: Number → number, String.Array → its elements; Binary is not filterable. */
export const attributeDocument = (attributes: Record<string, AttributeValue>): Record<string, unknown> => {
  const document: Record<string, unknown> = {};
  for (const [name, { Type, Value }] of Object.entries(attributes)) {
    if (Type.startsWith('Number')) document[name] = Number(Value);
    else if (Type === 'String.Array') document[name] = JSON.parse(Value);
    else if (Type.startsWith('String')) document[name] = Value;
  }
  return document;
};

/** Whether a subscription with this policy receives the message; a body that is not JSON matches no body policy. */
export const matchesFilterPolicy = (
  policy: FilterPolicy,
  message: { readonly attributes: Record<string, AttributeValue>; readonly body: string },
): boolean => {
  if (policy.scope === 'MessageAttributes')
    return matchesNode(policy.root, attributeDocument(message.attributes));
  try {
    return matchesNode(policy.root, JSON.parse(message.body));
  } catch {
    return false;
  }
};
