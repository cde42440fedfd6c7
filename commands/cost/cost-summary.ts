import type { CostLine, CostModel, Group } from './model.ts';

/** A model's totals: dollars a month per group, and per million of the events each group is paid by. */
export interface CostSummary {
  readonly rate: number;
  readonly monthly: Readonly<Record<Group, number>>;
  /** Core per million of all events; web per million web events; device per million device events. */
  readonly perMillion: Readonly<Record<Group, number>>;
  /** Core + web edge, per million web events. */
  readonly allInWeb: number;
  /** Core + device edge, per million device events. */
  readonly allInDevice: number;
  /** The three items that cost most a month. */
  readonly largest: readonly CostLine[];
}

const sum = (lines: readonly CostLine[], group: Group) =>
  lines.filter((line) => line.group === group).reduce((total, line) => total + line.monthlyUsd, 0);

const perMillionOf = (monthly: number, events: number) => (events > 0 ? monthly / (events / 1e6) : 0);

export const summarize = (model: CostModel): CostSummary => {
  const monthly = {
    core: sum(model.lines, 'core'),
    web: sum(model.lines, 'web'),
    device: sum(model.lines, 'device'),
  };
  const perMillion = {
    core: perMillionOf(monthly.core, model.eventsPerMonth),
    web: perMillionOf(monthly.web, model.webEventsPerMonth),
    device: perMillionOf(monthly.device, model.deviceEventsPerMonth),
  };
  return {
    rate: model.rate,
    monthly,
    perMillion,
    allInWeb: perMillion.core + perMillion.web,
    allInDevice: perMillion.core + perMillion.device,
    largest: [...model.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd).slice(0, 3),
  };
};

/** IoT Core's three charges per event with `n` events in one message of `eventBytes` each plus the topic. */
export const iotPerMillionEvents = (
  n: number,
  eventBytes: number,
  topicBytes: number,
  perMessageUsd: number,
): number => {
  const units = Math.ceil((n * eventBytes + Math.max(0, n - 1) + 2 + topicBytes) / 5120);
  return ((units * perMessageUsd) / n) * 1e6;
};

/**
 * The fewest events per device message that keep the device edge at or below `target` dollars per million events
 * (the web edge's figure); undefined when no batch within one message's limit does.
 */
export const deviceBatchFor = (
  target: number,
  eventBytes: number,
  topicBytes: number,
  perMessageUsd: number,
  maxEvents = 500,
): number | undefined => {
  for (let n = 1; n <= maxEvents; n++) {
    if (iotPerMillionEvents(n, eventBytes, topicBytes, perMessageUsd) <= target) return n;
  }
  return undefined;
};
