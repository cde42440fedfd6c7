import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../../../processors/shared/errors.ts';
import type { MetricStore } from '../../metrics/metric-store.ts';
import { errorActionMessage, type RuleFailure } from './error-action-message.ts';
import { KinesisPutBatcher } from './kinesis-batcher.ts';
import { OrderedQueue } from './ordered-queue.ts';
import {
  ActionFailure,
  type ActionTargets,
  type ActionWriters,
  compileAction,
  type RuleAction,
} from './rule-actions.ts';
import { type RuleEngineFigures, RuleEngineRecord } from './rule-engine-record.ts';
import { type InboundMessage, RuleMessage } from './rule-message.ts';
import { type CompiledRuleSql, compileRuleSql } from './rule-sql.ts';
import type { TopicRulePlan } from './topic-rule-plan.ts';

export type { RuleEngineFigures } from './rule-engine-record.ts';
export type { InboundMessage } from './rule-message.ts';

export interface TopicRuleEngineOptions extends ActionTargets {
  /** Where AWS/IoT's rule metrics go (TopicMatch, ParseError, Success/Failure, ErrorAction…). */
  readonly metricStore?: MetricStore;
  /** One line per rule error, failed action and throttled message (the broker writes them to `logs/iot.log`). */
  readonly log?: (line: string) => void;
  /** `traceid()`: a UUID per message. */
  readonly newTraceId?: () => string;
  /**
   * Messages whose actions run at once (each device's one at a time, in order); their Kinesis puts share
   * PutRecords requests. @default 1_000
   */
  readonly concurrency?: number;
  /** Messages waiting for their actions at most; past it a message is throttled (dropped, counted). @default 20_000 */
  readonly maxPending?: number;
}

interface CompiledRule {
  readonly plan: TopicRulePlan;
  readonly sql: CompiledRuleSql;
  readonly actions: readonly RuleAction[];
  readonly errorAction?: RuleAction;
}

interface Selection {
  readonly rule: CompiledRule;
  readonly data: Buffer;
}

/** Compiles every rule; the first the engine cannot run stops the start, naming the rule and construct. */
const compileRules = (plans: readonly TopicRulePlan[], writers: ActionWriters): CompiledRule[] =>
  plans.map((plan) => {
    const where = `rule ${plan.logicalId}`;
    return {
      plan,
      sql: compileRuleSql(plan.sql, plan.logicalId),
      actions: plan.actions.map((action) => compileAction(action, where, writers)),
      ...(plan.errorAction
        ? { errorAction: compileAction(plan.errorAction, `${where} (error action)`, writers) }
        : {}),
    };
  });

/** What a failed action's error says, as the error action's `failures` lists it. */
const failureOf = (action: RuleAction, error: unknown): RuleFailure => ({
  failedAction: action.failedAction,
  failedResource: error instanceof ActionFailure ? error.resource : '',
  errorMessage: errorMessage(error),
});

/**
 * The local stand-in for IoT Core's rules engine: every enabled topic rule of the template whose FROM matches a
 * message the broker accepted evaluates its SQL and runs its actions through the local cloud's SDK clients. A
 * device's messages are delivered in the order it published them (one chain per client id); when actions fail,
 * the rule's error action receives AWS's error message once per rule and message. `accept` never waits: the
 * broker's PUBACK does not wait for the actions, as on AWS.
 */
export class TopicRuleEngine {
  private readonly queue: OrderedQueue;
  private readonly record: RuleEngineRecord;
  private readonly newTraceId: () => string;
  private stopped = false;

  private constructor(
    private readonly rules: readonly CompiledRule[],
    options: TopicRuleEngineOptions,
  ) {
    this.queue = new OrderedQueue({
      concurrency: options.concurrency ?? 1_000,
      ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
    });
    this.record = new RuleEngineRecord(options.metricStore, options.log);
    this.newTraceId = options.newTraceId ?? randomUUID;
  }

  /** An engine for the plan's rules (`cloud.plan.topicRules`); disabled rules are compiled too, so none hides an error. */
  static fromPlan(plans: readonly TopicRulePlan[], options: TopicRuleEngineOptions): TopicRuleEngine {
    const writers = { ...options, kinesisPuts: new KinesisPutBatcher(options.kinesis) };
    const compiled = compileRules(plans, writers).filter((rule) => !rule.plan.disabled);
    return new TopicRuleEngine(compiled, options);
  }

  /** The names of the rules that run. */
  get ruleNames(): string[] {
    return this.rules.map((rule) => rule.plan.ruleName);
  }

  /** Evaluates every matching rule now and queues its actions; returns at once. Ignored once stopped. */
  accept(inbound: InboundMessage): void {
    if (this.stopped) return;
    const message = new RuleMessage(inbound, this.newTraceId());
    const selections: Selection[] = [];
    for (const rule of this.rules) {
      if (!rule.sql.matches(inbound.topic)) continue;
      const { ruleName } = rule.plan;
      this.record.matched(ruleName, inbound.receivedAtMs);
      if (rule.sql.readsJson && !message.isJson) this.record.parseError(ruleName, inbound.receivedAtMs);
      const outcome = rule.sql.evaluate(message);
      if (outcome.kind === 'failed') this.record.notEvaluated(ruleName, message, outcome.reason);
      else if (outcome.kind === 'selected') {
        this.record.executed();
        selections.push({ rule, data: outcome.data });
      }
    }
    if (selections.length === 0) return;
    if (!this.queue.push(message.clientId, () => this.runRules(message, selections))) {
      const ruleNames = selections.map(({ rule }) => rule.plan.ruleName);
      this.record.throttled(ruleNames, message, this.queue.pending);
    }
  }

  figures(): RuleEngineFigures {
    return this.record.figures(this.queue.pending);
  }

  /** Resolves once every accepted message's actions (and error actions) have run. */
  drained(): Promise<void> {
    return this.queue.drained();
  }

  /** Accepts no more messages and waits for the queued ones' actions. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue.drained();
  }

  private async runRules(message: RuleMessage, selections: readonly Selection[]): Promise<void> {
    await Promise.all(selections.map(({ rule, data }) => this.runRule(message, rule, data)));
  }

  /** Runs a rule's actions side by side; if any fails, its error action gets one message naming every failure. */
  private async runRule(message: RuleMessage, rule: CompiledRule, data: Buffer): Promise<void> {
    const { ruleName } = rule.plan;
    const outcomes = await Promise.all(
      rule.actions.map((action) =>
        action.run(message, data).then(
          () => undefined,
          (error: unknown) => failureOf(action, error),
        ),
      ),
    );
    const failures: RuleFailure[] = [];
    outcomes.forEach((failure, i) => {
      const { type } = rule.actions[i] as RuleAction;
      if (!failure) this.record.actionSucceeded(ruleName, type);
      else {
        this.record.actionFailed(ruleName, type, message, failure);
        failures.push(failure);
      }
    });
    const { errorAction } = rule;
    if (failures.length === 0 || !errorAction) return;
    const report = Buffer.from(JSON.stringify(errorActionMessage(ruleName, message, failures)));
    try {
      await errorAction.run(message, report);
      this.record.errorActionSucceeded(ruleName, errorAction.type);
    } catch (error) {
      this.record.errorActionFailed(
        ruleName,
        errorAction.failedAction,
        errorAction.type,
        message,
        errorMessage(error),
      );
    }
  }
}
