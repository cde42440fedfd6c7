import type { MetricStore } from '../../metrics/metric-store.ts';
import type { RuleFailure } from './error-action-message.ts';
import type { RuleMessage } from './rule-message.ts';

/** What the engine did since it started. */
export interface RuleEngineFigures {
  /** Messages a rule's FROM matched (AWS/IoT TopicMatch), counted once per rule. */
  readonly topicMatches: number;
  /** Matches whose WHERE held, so their actions ran. */
  readonly rulesExecuted: number;
  /** Messages a rule could not evaluate (fields added to a binary payload): no action ran. */
  readonly ruleErrors: number;
  /** Payloads that are not JSON, for a rule that reads JSON (AWS/IoT ParseError). */
  readonly parseErrors: number;
  readonly actionSuccesses: number;
  readonly actionFailures: number;
  readonly errorActionSuccesses: number;
  readonly errorActionFailures: number;
  /** Messages dropped because `maxPending` were waiting (AWS/IoT RuleMessageThrottled). */
  readonly throttled: number;
  /** Messages whose actions are queued or running now. */
  readonly pending: number;
}

const NAMESPACE = 'AWS/IoT';

/**
 * The engine's counters, its AWS/IoT rule metrics (dimensions `RuleName`, and `ActionType` for actions, as IoT
 * Core publishes them) and its log lines, kept in one place so the engine only says what happened.
 */
export class RuleEngineRecord {
  private readonly counts = {
    topicMatches: 0,
    rulesExecuted: 0,
    ruleErrors: 0,
    parseErrors: 0,
    actionSuccesses: 0,
    actionFailures: 0,
    errorActionSuccesses: 0,
    errorActionFailures: 0,
    throttled: 0,
  };

  constructor(
    private readonly store?: MetricStore,
    private readonly log?: (line: string) => void,
  ) {}

  figures(pending: number): RuleEngineFigures {
    return { ...this.counts, pending };
  }

  matched(ruleName: string, at: number): void {
    this.counts.topicMatches++;
    this.metric('TopicMatch', ruleName, at);
  }

  parseError(ruleName: string, at: number): void {
    this.counts.parseErrors++;
    this.metric('ParseError', ruleName, at);
  }

  notEvaluated(ruleName: string, message: RuleMessage, reason: string): void {
    this.counts.ruleErrors++;
    this.log?.(
      `rule ${ruleName}: message from ${message.clientId} on ${message.topic} not evaluated: ${reason} (trace ${message.traceId})`,
    );
  }

  executed(): void {
    this.counts.rulesExecuted++;
  }

  actionSucceeded(ruleName: string, actionType: string): void {
    this.counts.actionSuccesses++;
    this.metric('Success', ruleName, Date.now(), actionType);
  }

  actionFailed(ruleName: string, actionType: string, message: RuleMessage, failure: RuleFailure): void {
    this.counts.actionFailures++;
    this.metric('Failure', ruleName, Date.now(), actionType);
    this.log?.(
      `rule ${ruleName}: ${failure.failedAction} failed for ${message.clientId} (trace ${message.traceId}): ${failure.errorMessage}`,
    );
  }

  errorActionSucceeded(ruleName: string, actionType: string): void {
    this.counts.errorActionSuccesses++;
    this.metric('ErrorActionSuccess', ruleName, Date.now(), actionType);
  }

  /** AWS drops a message whose error action fails too; it is counted and logged, nothing more. */
  errorActionFailed(
    ruleName: string,
    failedAction: string,
    actionType: string,
    message: RuleMessage,
    error: string,
  ): void {
    this.counts.errorActionFailures++;
    this.metric('ErrorActionFailure', ruleName, Date.now(), actionType);
    this.log?.(
      `rule ${ruleName}: error action ${failedAction} failed too, message of ${message.clientId} dropped (trace ${message.traceId}): ${error}`,
    );
  }

  throttled(ruleNames: readonly string[], message: RuleMessage, pending: number): void {
    this.counts.throttled++;
    for (const ruleName of ruleNames) this.metric('RuleMessageThrottled', ruleName, message.timestampMs);
    // One line for the first and every thousandth: an overloaded engine must not flood its log too.
    if (this.counts.throttled % 1000 === 1) {
      this.log?.(
        `rules engine throttled a message of ${message.clientId} on ${message.topic}: ${pending} messages wait for their actions (${this.counts.throttled} throttled so far)`,
      );
    }
  }

  private metric(name: string, ruleName: string, at: number, actionType?: string): void {
    this.store?.put(
      {
        namespace: NAMESPACE,
        name,
        dimensions: { RuleName: ruleName, ...(actionType === undefined ? {} : { ActionType: actionType }) },
      },
      1,
      at,
    );
  }
}
