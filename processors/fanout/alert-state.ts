import type { Verdict } from './alert-evaluation.ts';
import type { Severity } from './alert-rules.ts';

export type AlertStateName = 'OPEN' | 'RESOLVED';

/** The part of an alert state item the transition decision reads. */
export interface AlertStatus {
  readonly state?: AlertStateName;
  readonly openedAt?: string;
  readonly resolvedAt?: string;
}

/** What a rule declares that the decision and the message need. */
export interface AlertRuleInfo {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly cooldownMinutes: number;
}

/** A state change to publish: its id is deterministic, so any retry of it is recognisably the same. */
export interface Transition {
  readonly id: string;
  readonly rule: string;
  readonly subject: string;
  readonly state: AlertStateName;
  readonly severity: Severity;
  readonly value: number;
  readonly threshold: number;
  readonly window: string;
  readonly openedAt: string;
  readonly resolvedAt?: string;
  readonly description: string;
}

export interface TransitionDecision {
  readonly rule: AlertRuleInfo;
  readonly subject: string;
  readonly status: AlertStatus;
  readonly verdict: Verdict;
  /** When the decision is made, ISO: the judged window for stream rules, the clock for the silent check. */
  readonly at: string;
}

/** `device-overheating#dev-0001#OPEN#2026-11-22T05:06Z`. */
export const transitionIdOf = (rule: string, subject: string, state: AlertStateName, window: string) =>
  `${rule}#${subject}#${state}#${window}`;

/**
 * Pure: OPEN on a breach unless already open or within the cooldown after the last RESOLVED;
 * RESOLVED on a clear verdict while open; otherwise nothing.
 */
export const decideTransition = (decision: TransitionDecision): Transition | undefined => {
  const { rule, subject, status, verdict, at } = decision;
  const common = {
    rule: rule.name,
    subject,
    severity: rule.severity,
    value: verdict.value,
    threshold: verdict.threshold,
    window: verdict.window,
    description: rule.description,
  };
  if (verdict.kind === 'breach' && status.state !== 'OPEN') {
    if (status.state === 'RESOLVED' && status.resolvedAt) {
      const sinceResolved = Date.parse(at) - Date.parse(status.resolvedAt);
      if (sinceResolved < rule.cooldownMinutes * 60_000) return undefined;
    }
    return {
      ...common,
      id: transitionIdOf(rule.name, subject, 'OPEN', verdict.window),
      state: 'OPEN',
      openedAt: at,
    };
  }
  if (verdict.kind === 'clear' && status.state === 'OPEN') {
    return {
      ...common,
      id: transitionIdOf(rule.name, subject, 'RESOLVED', verdict.window),
      state: 'RESOLVED',
      openedAt: status.openedAt ?? at,
      resolvedAt: at,
    };
  }
  return undefined;
};

/** The SNS message of a transition: JSON body, and String attributes subscribers can filter on. */
export const alertMessageOf = (transition: Transition) => ({
  Subject: `[${transition.severity}] ${transition.rule} ${transition.state}: ${transition.subject}`.slice(
    0,
    100,
  ),
  Message: JSON.stringify(transition),
  MessageAttributes: {
    rule: { DataType: 'String', StringValue: transition.rule },
    severity: { DataType: 'String', StringValue: transition.severity },
    subject: { DataType: 'String', StringValue: transition.subject },
    state: { DataType: 'String', StringValue: transition.state },
    // Deterministic: a subscriber that must never act twice deduplicates on it.
    transitionId: { DataType: 'String', StringValue: transition.id },
  },
});
