import { mapWithConcurrency } from '../shared/concurrency.ts';
import { type WriteFailure, writeFailure } from '../shared/write-failure.ts';
import { type AlertInput, evaluate, mergeRecent } from './alert-evaluation.ts';
import { cacheIsBehind, isQuiet, seenAfter } from './alert-quiet.ts';
import { decideTransition, type Transition } from './alert-state.ts';
import { type AlertStoreOptions, applyAlertStep, type StoredAlert } from './alert-store.ts';

export interface AlertReport {
  opened: number;
  resolved: number;
  /** Alerts that could not be written, by alert id and their first contributing record. */
  failed: WriteFailure[];
}

/** Pure: what one batch's minutes do to a stored alert (history kept, transition decided). */
export const alertStepOf = (input: AlertInput, stored: StoredAlert) => {
  const recent = mergeRecent(input.rule, stored.recent ?? {}, input.minutes);
  const verdict = evaluate(input.rule, recent);
  const transition = verdict
    ? decideTransition({
        rule: input.rule,
        subject: input.subject,
        status: stored,
        verdict,
        at: verdict.window,
      })
    : undefined;
  return { recent, transition };
};

export const countTransition = (report: AlertReport, transition: Transition | undefined) => {
  if (transition?.state === 'OPEN') report.opened++;
  if (transition?.state === 'RESOLVED') report.resolved++;
};

/**
 * Evaluates every (rule, subject) a batch touched; each is read, decided and written independently. A quiet
 * batch (`isQuiet`: nothing in it or in the stored history could open or resolve, now or later) writes nothing.
 */
export const writeAlerts = async (
  options: AlertStoreOptions,
  inputs: readonly AlertInput[],
  concurrency: number,
): Promise<AlertReport> => {
  const report: AlertReport = { opened: 0, resolved: 0, failed: [] };
  await mapWithConcurrency(inputs, concurrency, async (input) => {
    try {
      const identity = { alertId: input.alertId, rule: input.rule.name, subject: input.subject };
      // Read rather than send a write bound to fail on a version another environment has moved past.
      if (cacheIsBehind(input, options.cache?.seenOf(input.alertId))) options.cache?.delete(input.alertId);
      countTransition(
        report,
        await applyAlertStep(
          options,
          identity,
          (stored, context) => (isQuiet(input, stored, context) ? undefined : alertStepOf(input, stored)),
          (seenBefore) => seenAfter(input, seenBefore),
        ),
      );
    } catch (error) {
      report.failed.push(writeFailure(input.alertId, input.sequenceNumber, error));
    }
  });
  return report;
};
