import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertsLog } from '../alerts-log.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import { AlarmEvaluator } from './alarm-evaluator.ts';
import { alarmNotification, worthNotifying } from './alarm-notification.ts';
import { type DashboardServer, startDashboardServer } from './dashboard-server.ts';
import { type LiveFigures, liveFigures, liveText } from './live-figures.ts';
import type { LocalOpsView } from './local-ops-view.ts';
import { dashboardSnapshot } from './snapshot.ts';

export interface LocalOpsOptions {
  readonly store: MetricStore;
  readonly view: LocalOpsView;
  readonly alerts: AlertsLog;
  readonly sns?: SNSClient;
  readonly region: string;
  readonly accountId: string;
  /** 127.0.0.1 port of the page; 0 picks a free one. */
  readonly port: number;
  /** Period of the live charts. @default 5 */
  readonly periodSeconds?: number;
  /** Periods on screen. @default 120 (ten minutes at 5 s) */
  readonly periods?: number;
  /** How often alarms are evaluated. @default 5000 */
  readonly evaluateEveryMs?: number;
  /** Each published alarm change, as one line. */
  readonly onAlarm?: (line: string) => void;
}

/**
 * The ops view of the local cloud: the dashboard page on 127.0.0.1, the ops alarms evaluated every
 * few seconds with notifications published to the stack's ops topic, and the live figures.
 */
export class LocalOps {
  private readonly timer: NodeJS.Timeout;
  private readonly startedMs = Date.now();

  private constructor(
    private readonly options: LocalOpsOptions,
    private readonly evaluator: AlarmEvaluator,
    private readonly server: DashboardServer,
    /** Notifications on their way to the ops topic. */
    private readonly published: Promise<void>[],
  ) {
    this.timer = setInterval(() => void this.evaluateAlarms(), options.evaluateEveryMs ?? 5000);
    this.timer.unref();
  }

  /** The stack's ops view with local names: what the dashboard and alarms watch. */
  get view(): LocalOpsView {
    return this.options.view;
  }

  static async start(options: LocalOpsOptions): Promise<LocalOps> {
    const publish = async (transition: Parameters<typeof alarmNotification>[0]) => {
      if (!worthNotifying(transition)) return;
      options.onAlarm?.(
        `ALARM ${transition.spec.id} ${transition.from} → ${transition.to}: ${transition.reason}`,
      );
      const message = alarmNotification(transition, {
        region: options.region,
        accountId: options.accountId,
        alarmPrefix: 'streamlake',
      });
      await options.sns
        ?.send(new PublishCommand({ TopicArn: options.view.opsTopicArn, ...message }))
        .catch((error: Error) =>
          options.onAlarm?.(`could not publish alarm ${transition.spec.id}: ${error.message}`),
        );
    };
    const published: Promise<void>[] = [];
    const evaluator = new AlarmEvaluator(options.store, options.view.alarms, (transition) =>
      published.push(publish(transition)),
    );
    let ops: LocalOps | undefined;
    const server = await startDashboardServer(options.port, () => ops?.snapshot());
    ops = new LocalOps(options, evaluator, server, published);
    return ops;
  }

  /** Evaluates every alarm now (the timer does so every few seconds) and waits for the notifications it sends. */
  async evaluateAlarms(nowMs = Date.now()): Promise<void> {
    this.evaluator.evaluate(nowMs);
    await Promise.all(this.published.splice(0));
  }

  get url(): string {
    return this.server.url;
  }

  /** The charts span the run so far: at least two minutes, at most `periods`. */
  snapshot(nowMs = Date.now()) {
    const { options } = this;
    const periodSeconds = options.periodSeconds ?? 5;
    const maxPeriods = options.periods ?? 120;
    return {
      ...dashboardSnapshot({
        dashboard: options.view.dashboard,
        store: options.store,
        alarms: this.evaluator.current(),
        alerts: options.alerts.recent.filter((alert) => alert.topicArn === options.view.alertsTopicArn),
        nowMs,
        periodSeconds,
        periods: Math.min(
          maxPeriods,
          Math.max(24, Math.ceil((nowMs - this.startedMs) / (periodSeconds * 1000)) + 2),
        ),
      }),
      live: liveText(this.live(nowMs)),
    };
  }

  /** Rates over the last complete 5 seconds; totals since start. */
  live(nowMs = Date.now()): LiveFigures {
    return liveFigures({
      store: this.options.store,
      resources: this.options.view.resources,
      alerts: this.options.alerts,
      alarmsFiring: this.evaluator.current().filter((s) => s.state === 'ALARM').length,
      nowMs,
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.server.stop();
  }
}
