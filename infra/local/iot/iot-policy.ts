/** The MQTT actions an IoT policy rules on, and the resource kind each is checked against. */
export type IotAction = 'iot:Connect' | 'iot:Publish' | 'iot:Subscribe' | 'iot:Receive';

/** What the policy variables resolve to for one connection. */
export interface ConnectionContext {
  readonly clientId: string;
  /**
   * `${iot:Connection.Thing.ThingName}`: the client id, when a thing of that name is attached to the certificate
   * the device presented (as IoT Core resolves it); unset otherwise, and then no statement using it applies.
   */
  readonly thingName?: string;
}

/** An `AWS::IoT::Policy` as the template declares it, intrinsics resolved (template-iot-policies.ts). */
export interface IotPolicyPlan {
  readonly logicalId: string;
  /** `PolicyName`, else the local physical name. */
  readonly name: string;
  readonly document: unknown;
}

type Effect = 'Allow' | 'Deny';
interface Statement {
  readonly effect: Effect;
  readonly actions: readonly RegExp[];
  /** Resource patterns with their policy variables still in (`${iot:ClientId}`), bound per connection. */
  readonly resources: readonly string[];
}

/** The policy variables evaluated locally, and how each resolves for a connection. */
const VARIABLES: Record<string, (context: ConnectionContext) => string | undefined> = {
  'iot:Connection.Thing.ThingName': (context) => context.thingName,
  'iot:ClientId': (context) => context.clientId,
};
/** IAM's escapes for characters that would otherwise be wildcards: `${*}` is a literal `*`, and so on. */
const LITERALS: Record<string, string> = { '*': '*', '?': '?', $: '$' };
const VARIABLE = /\$\{([^}]*)\}/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** IAM wildcards (`*` any run of characters, `?` one) as regular-expression source; the rest literal. */
const wildcardSource = (pattern: string): string =>
  pattern
    .split(/([*?])/)
    .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : escapeRegExp(part)))
    .join('');

const listOf = (value: unknown, what: string, where: string): string[] => {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string')) {
    throw new Error(
      `${where}: ${what} must be a string or a list of strings (given ${JSON.stringify(value)})`,
    );
  }
  return list as string[];
};

const UNSUPPORTED_KEYS = ['NotAction', 'NotResource', 'Condition', 'Principal', 'NotPrincipal'];

const compileStatement = (declared: unknown, where: string): Statement => {
  if (typeof declared !== 'object' || declared === null) {
    throw new Error(`${where}: a statement must be an object (given ${JSON.stringify(declared)})`);
  }
  const statement = declared as Record<string, unknown>;
  const unsupported = UNSUPPORTED_KEYS.find((key) => key in statement);
  if (unsupported) throw new Error(`${where}: ${unsupported} is not evaluated locally`);
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new Error(`${where}: Effect must be Allow or Deny (given ${JSON.stringify(statement.Effect)})`);
  }
  const resources = listOf(statement.Resource, 'Resource', where);
  for (const resource of resources) {
    for (const [, name] of resource.matchAll(VARIABLE)) {
      if (name !== undefined && !(name in VARIABLES) && !(name in LITERALS)) {
        throw new Error(
          `${where}: policy variable \${${name}} is not evaluated locally (only ${Object.keys(VARIABLES)
            .map((v) => `\${${v}}`)
            .join(', ')})`,
        );
      }
    }
  }
  return {
    effect: statement.Effect,
    // Action names are case-insensitive in IAM; resources are not.
    actions: listOf(statement.Action, 'Action', where).map(
      (action) => new RegExp(`^${wildcardSource(action)}$`, 'i'),
    ),
    resources,
  };
};

/**
 * A resource pattern for one connection, or undefined when one of its variables does not resolve (the statement
 * then applies to nothing, as in IAM). A variable's value is literal: a client id with `*` in it matches only itself.
 */
const bindResource = (resource: string, context: ConnectionContext): RegExp | undefined => {
  let source = '';
  let last = 0;
  for (const match of resource.matchAll(VARIABLE)) {
    const name = match[1] as string;
    const value = LITERALS[name] ?? VARIABLES[name]?.(context);
    if (value === undefined) return undefined;
    source += wildcardSource(resource.slice(last, match.index)) + escapeRegExp(value);
    last = match.index + match[0].length;
  }
  return new RegExp(`^${source}${wildcardSource(resource.slice(last))}$`);
};

/** The policy's statements for one connection: decides each action on each resource ARN it asks for. */
export class BoundPolicy {
  private readonly decided = new Map<string, boolean>();

  constructor(
    private readonly statements: readonly {
      effect: Effect;
      actions: readonly RegExp[];
      resources: RegExp[];
    }[],
  ) {}

  /** IAM's rule: an explicit Deny wins, else any Allow, else denied. */
  allows(action: IotAction, resourceArn: string): boolean {
    const key = `${action} ${resourceArn}`;
    const known = this.decided.get(key);
    if (known !== undefined) return known;
    const applies = (s: (typeof this.statements)[number]) =>
      s.actions.some((a) => a.test(action)) && s.resources.some((r) => r.test(resourceArn));
    const allowed =
      !this.statements.some((s) => s.effect === 'Deny' && applies(s)) &&
      this.statements.some((s) => s.effect === 'Allow' && applies(s));
    // A device asks about its one topic over and over; a bounded memo keeps a flood of topics from growing it.
    if (this.decided.size < 256) this.decided.set(key, allowed);
    return allowed;
  }
}

/**
 * An IoT policy evaluated locally: Allow/Deny statements with Action (wildcards) and Resource (ARNs with `*`/`?`
 * wildcards and the `${iot:Connection.Thing.ThingName}` and `${iot:ClientId}` variables). Anything else a
 * statement may hold (Condition, NotAction, NotResource, other variables) fails here, at start-up, naming the policy.
 */
export class IotPolicy {
  private constructor(
    readonly plan: IotPolicyPlan,
    private readonly statements: readonly Statement[],
  ) {}

  static compile(plan: IotPolicyPlan): IotPolicy {
    const where = `IoT policy ${plan.logicalId}`;
    const document =
      typeof plan.document === 'string' ? (JSON.parse(plan.document) as unknown) : plan.document;
    const declared = (document as { Statement?: unknown } | undefined)?.Statement;
    if (declared === undefined) throw new Error(`${where}: the policy document has no Statement`);
    const statements = (Array.isArray(declared) ? declared : [declared]).map((statement, i) =>
      compileStatement(statement, `${where}, statement ${i + 1}`),
    );
    return new IotPolicy(plan, statements);
  }

  /** The policy with its variables resolved for one connection. */
  bind(context: ConnectionContext): BoundPolicy {
    return new BoundPolicy(
      this.statements.map((s) => ({
        effect: s.effect,
        actions: s.actions,
        resources: s.resources.flatMap((r) => bindResource(r, context) ?? []),
      })),
    );
  }
}

/** The ARNs IoT Core checks each MQTT action against (arn:aws:iot:<region>:<account>:client/<id>, topic/…, …). */
export const iotResourceArns = (region: string, accountId: string) => {
  const prefix = `arn:aws:iot:${region}:${accountId}`;
  return {
    client: (clientId: string) => `${prefix}:client/${clientId}`,
    topic: (topic: string) => `${prefix}:topic/${topic}`,
    topicFilter: (filter: string) => `${prefix}:topicfilter/${filter}`,
  };
};
