import { ALERTS_LOG_ROTATION, type LogRotation, RotatingLog } from './rotating-log.ts';
import type { PublishedMessage } from './servers/sns-server.ts';

export interface AlertLine {
  readonly at: string;
  readonly topicArn: string;
  readonly state?: string;
  readonly rule?: string;
  readonly severity?: string;
  readonly subject?: string;
  readonly message: string;
}

/**
 * What the local SNS server publishes: kept as JSON lines in `<state>/alerts.jsonl` (rotated by size,
 * see ALERTS_LOG_ROTATION), the recent ones in memory, and each announced on the terminal as it happens.
 */
export class AlertsLog {
  readonly recent: AlertLine[] = [];
  opened = 0;
  resolved = 0;
  private readonly log?: RotatingLog;

  constructor(
    file?: string,
    private readonly announce: (line: string) => void = () => {},
    rotation: LogRotation = ALERTS_LOG_ROTATION,
  ) {
    if (file) this.log = new RotatingLog(file, rotation);
  }

  readonly record = (published: PublishedMessage): void => {
    const attribute = (name: string) => published.messageAttributes[name]?.Value;
    const line: AlertLine = {
      at: published.timestamp,
      topicArn: published.topicArn,
      message: published.message,
      ...(attribute('state') ? { state: attribute('state') } : {}),
      ...(attribute('rule') ? { rule: attribute('rule') } : {}),
      ...(attribute('severity') ? { severity: attribute('severity') } : {}),
      ...(attribute('subject') ? { subject: attribute('subject') } : {}),
    };
    if (line.state === 'OPEN') this.opened++;
    if (line.state === 'RESOLVED') this.resolved++;
    this.recent.push(line);
    if (this.recent.length > 100) this.recent.shift();
    this.log?.append(JSON.stringify(line));
    // CloudWatch alarm notifications on the ops topic carry no alert attributes; the ops view announces those.
    if (line.state === undefined) return;
    this.announce(
      `ALERT ${line.state ?? ''} ${line.severity ?? ''} ${line.rule ?? ''} ${line.subject ?? ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    );
  };
}
