import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { olderFile } from '../../../infra/local/rotating-log.ts';

/** The size of a file now (0 if absent): where to start reading what is appended afterwards. */
export const fileSize = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

/**
 * The text appended to a log since `offset`. The local cloud rotates its logs (infra/local/rotating-log.ts):
 * a file now shorter than `offset` was rotated to `<path>.1` meanwhile, whose rest comes first.
 */
export const readFrom = (path: string, offset: number): string => {
  if (!existsSync(path)) return '';
  const size = statSync(path).size;
  if (size < offset) return readFrom(olderFile(path, 1), offset) + readFrom(path, 0);
  if (size === offset) return '';
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
};

/**
 * Invocation errors among function log lines: the one JSON line the (local) Lambda runtime writes for an
 * unhandled error, `{"level":"ERROR","errorType":…,"errorMessage":…}`. Handlers' own error logs
 * (powertools, with a message) are not invocation errors.
 */
export const invocationErrors = (logText: string): { errorType: string; errorMessage: string }[] => {
  const errors: { errorType: string; errorMessage: string }[] = [];
  for (const line of logText.split('\n')) {
    if (!line.includes('"errorType"')) continue;
    try {
      const parsed = JSON.parse(line) as { level?: string; errorType?: unknown; errorMessage?: unknown };
      if (parsed.level === 'ERROR' && typeof parsed.errorType === 'string') {
        errors.push({ errorType: parsed.errorType, errorMessage: String(parsed.errorMessage ?? '') });
      }
    } catch {
      // not a JSON line
    }
  }
  return errors;
};
