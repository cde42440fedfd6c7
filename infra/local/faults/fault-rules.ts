import { FaultRequestError } from './fault-request-error.ts';

/** The services whose front door a fault rule can stand in. */
export const FAULT_SERVICES = ['kinesis', 'dynamodb', 's3', 'sns'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

/** What a rule answers instead of the service: throttled, or not there at all. */
export const FAULT_EFFECTS = ['throttle', 'unavailable'] as const;
export type FaultEffect = (typeof FAULT_EFFECTS)[number];

/** A rule as a chaos scenario asks for it (`POST /faults`). */
export interface FaultRuleRequest {
  readonly service: FaultService;
  /**
   * The operations it applies to: Kinesis and DynamoDB by the `X-Amz-Target` action (`PutRecords`,
   * `UpdateItem`), S3 by HTTP method (`PUT`), SNS by the query `Action` (`Publish`). @default every one
   */
  readonly operations?: readonly string[];
  readonly effect: FaultEffect;
  /** The share of matching requests answered by the fault, 0..1. @default 1 */
  readonly share?: number;
  /** How long the rule holds from the moment it is added. @default until cleared */
  readonly seconds?: number;
}

/** A rule as it is listed (`GET /faults`): what was asked, and how often it answered. */
export interface FaultRule {
  readonly id: string;
  readonly service: FaultService;
  readonly operations?: readonly string[];
  readonly effect: FaultEffect;
  readonly share: number;
  readonly seconds?: number;
  /** Requests the fault answered in the service's stead: proof a scenario's fault really fired. */
  readonly answered: number;
  /** False once its `seconds` have passed. */
  readonly active: boolean;
}

const RULE_KEYS = ['service', 'operations', 'effect', 'share', 'seconds'];

const oneOf = <T extends string>(what: string, allowed: readonly T[], value: unknown): T => {
  if (allowed.includes(value as T)) return value as T;
  throw new FaultRequestError(
    `${what} must be one of ${allowed.join(', ')} (given ${JSON.stringify(value)})`,
  );
};

const operationsOf = (value: unknown): readonly string[] | undefined => {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((op) => typeof op === 'string' && op)) {
    throw new FaultRequestError(
      `operations must be a non-empty list of operation names, e.g. ["PutRecords"] (given ${JSON.stringify(value)}); leave it out for every operation`,
    );
  }
  return value as string[];
};

const shareOf = (value: unknown): number => {
  if (value === undefined) return 1;
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  throw new FaultRequestError(`share must be a number from 0 to 1 (given ${JSON.stringify(value)})`);
};

const secondsOf = (value: unknown): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new FaultRequestError(
    `seconds must be a number above 0 (given ${JSON.stringify(value)}); leave it out for a rule that holds until cleared`,
  );
};

/** Reads a `POST /faults` body, or throws a FaultRequestError naming the bad value. */
export const faultRuleRequestOf = (body: unknown): FaultRuleRequest => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FaultRequestError(
      `a fault rule is a JSON object like {"service":"kinesis","operations":["PutRecords"],"effect":"throttle"} (given ${JSON.stringify(body)})`,
    );
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !RULE_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new FaultRequestError(
      `unknown field ${unknown.join(', ')}: a fault rule has ${RULE_KEYS.join(', ')}`,
    );
  }
  const operations = operationsOf(fields.operations);
  const seconds = secondsOf(fields.seconds);
  return {
    service: oneOf('service', FAULT_SERVICES, fields.service),
    ...(operations ? { operations } : {}),
    effect: oneOf('effect', FAULT_EFFECTS, fields.effect),
    share: shareOf(fields.share),
    ...(seconds === undefined ? {} : { seconds }),
  };
};

interface StoredRule {
  readonly request: FaultRuleRequest;
  readonly id: string;
  readonly expiresAtMs: number;
  answered: number;
}

export interface FaultRulesOptions {
  /** Decides each share; tests make it predictable. @default Math.random */
  readonly random?: () => number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * The fault rules in force, as the fault proxies consult them for every request. An expired rule stops
 * answering but stays listed, so a scenario can still read how often it answered.
 */
export class FaultRules {
  private readonly rules: StoredRule[] = [];
  private added = 0;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: FaultRulesOptions = {}) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Adds a rule (validated as `POST /faults` bodies are); returns its id. */
  add(body: unknown): string {
    const request = faultRuleRequestOf(body);
    const id = `fault-${++this.added}`;
    const expiresAtMs = request.seconds === undefined ? Infinity : this.now() + request.seconds * 1000;
    this.rules.push({ request, id, expiresAtMs, answered: 0 });
    return id;
  }

  clear(): void {
    this.rules.length = 0;
  }

  list(): FaultRule[] {
    const now = this.now();
    return this.rules.map(({ request, id, expiresAtMs, answered }) => ({
      id,
      ...request,
      share: request.share ?? 1,
      answered,
      active: now < expiresAtMs,
    }));
  }

  /**
   * The rule that answers this request in the service's stead, or undefined to pass it through: the first
   * active rule for the service and operation whose share the request falls in. Counted as answered.
   */
  matches(service: FaultService, operation: string): FaultRule | undefined {
    const now = this.now();
    const rule = this.rules.find(
      ({ request, expiresAtMs }) =>
        now < expiresAtMs &&
        request.service === service &&
        (!request.operations || request.operations.includes(operation)) &&
        this.random() < (request.share ?? 1),
    );
    if (!rule) return undefined;
    rule.answered++;
    return this.list().find((listed) => listed.id === rule.id);
  }
}
