import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERTS_LOG_ROTATION, logFiles } from '../../infra/local/rotating-log.ts';

/**
 * Verify's differences as `npm start` prints them under "verify (npm run verify)", sorted by what they mean:
 * fewer than the stream accepted (lost), or more (counted or stored twice).
 */
export const verifyFindings = (stdout: string): { lost: number; doubleCounted: number; clean: boolean } => {
  const section = stdout.slice(stdout.lastIndexOf('verify (npm run verify)'));
  const lines = section.split('\n').slice(1);
  const clean = /no differences across/.test(section);
  let lost = 0;
  let doubleCounted = 0;
  for (const line of lines) {
    if (/counted twice|stored twice|unexpected|surplus/.test(line)) doubleCounted++;
    else if (/lost|missing|expected .* got/.test(line)) lost++;
  }
  return { lost, doubleCounted, clean };
};

/**
 * Alert transitions published more than once: the same transition id (each message's `id`, also its
 * `transitionId` attribute) on the alerts topic twice, or, for messages without one, a (rule, subject) whose
 * state repeats the state before it (OPEN after OPEN).
 */
export const duplicateAlerts = (stateDir: string): number => {
  const seenIds = new Set<string>();
  const lastState = new Map<string, string>();
  let duplicates = 0;
  for (const text of alertLines(stateDir)) {
    if (!text.trim()) continue;
    const line = JSON.parse(text) as { state?: string; rule?: string; subject?: string; message: string };
    if (!line.state) continue;
    const id = transitionIdOf(line.message);
    const key = `${line.rule} ${line.subject}`;
    const repeated = id ? seenIds.has(id) : lastState.get(key) === line.state;
    if (repeated) duplicates++;
    if (id) seenIds.add(id);
    lastState.set(key, line.state);
  }
  return duplicates;
};

/** The states of the alert transitions published to the alerts topic for one rule and subject, in order. */
export const publishedStates = (stateDir: string, rule: string, subject: string): string[] =>
  alertLines(stateDir)
    .filter((text) => text.trim())
    .map((text) => JSON.parse(text) as { state?: string; rule?: string; subject?: string })
    .filter((line) => line.rule === rule && line.subject === subject && line.state)
    .map((line) => line.state ?? '');

/** Every line of the alerts log, oldest first, across its rotated files. */
const alertLines = (stateDir: string): string[] =>
  logFiles(join(stateDir, 'alerts.jsonl'), ALERTS_LOG_ROTATION)
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'));

const transitionIdOf = (message: string): string | undefined => {
  try {
    const parsed = JSON.parse(message) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
};
