import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
 * What the local SNS server publishes: kept as JSON lines in `<state>/alerts.jsonl`, the recent
 * ones in memory, and each announced on the terminal as it happens.
 */
export class AlertsLog {
  readonly recent: AlertLine[] = [];
  opened = 0;
  resolved = 0;

  constructor(
    private readonly file?: string,
    private readonly announce: (line: string) => void = () => {},
  ) {
    if (file) mkdirSync(dirname(file), { recursive: true });
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
    if (this.file) appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    // CloudWatch alarm notifications on the ops topic carry no alert attributes; the ops view announces those.
    if (line.state === undefined) return;
    this.announce(
      `ALERT ${line.state ?? ''} ${line.severity ?? ''} ${line.rule ?? ''} ${line.subject ?? ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    );
  };
}
