import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** How much of a log is kept: the current file and `olderFiles` before it, each of at most `maxBytes`. */
export interface LogRotation {
  readonly maxBytes: number;
  readonly olderFiles: number;
}

const MiB = 1024 * 1024;

/**
 * What the functions print (`logs/functions.log`): at 1,000 events/s the functions write ≈ 4 MB an hour
 * (measured by `npm run soak`, BENCHMARKS.md), so one file holds ≈ 4 hours and the five ≈ the last day —
 * 80 MiB at most on disk however long `npm start -- --forever` runs.
 */
export const FUNCTIONS_LOG_ROTATION: LogRotation = { maxBytes: 16 * MiB, olderFiles: 4 };

/** The alerts published (`alerts.jsonl`): a few lines a minute, so 4 MiB is days of them; 12 MiB at most. */
export const ALERTS_LOG_ROTATION: LogRotation = { maxBytes: 4 * MiB, olderFiles: 2 };

/**
 * A REST API's access log (`logs/<log group>.log`): ≈ 400 bytes a request, so at 50 requests/s (1,000 events/s
 * in batches of 20) ≈ 70 MB an hour; 32 MiB files, 3 older ones: ≤ 128 MiB, the last ≈ 2 hours.
 */
export const ACCESS_LOG_ROTATION: LogRotation = { maxBytes: 32 * MiB, olderFiles: 3 };

/** The name of the `age`-th older file of `file` (1 is the most recent): `functions.log.1`, `functions.log.2`, … */
export const olderFile = (file: string, age: number): string => `${file}.${age}`;

/** Every file of the log that exists, oldest first and the current one last. */
export const logFiles = (file: string, rotation: LogRotation): string[] =>
  [
    ...Array.from({ length: rotation.olderFiles }, (_, i) => olderFile(file, rotation.olderFiles - i)),
    file,
  ].filter((path) => existsSync(path));

/**
 * An append-only log file kept bounded the way logrotate would: once the next line would take the
 * current file past `maxBytes`, it becomes `<file>.1` (`.1` becomes `.2`, …, the oldest is dropped) and
 * a new current file begins. Lines are appended synchronously, so a crash loses none already written.
 */
export class RotatingLog {
  private size: number;

  constructor(
    readonly file: string,
    readonly rotation: LogRotation,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    // A restart continues the current file where the last run left it.
    this.size = existsSync(file) ? statSync(file).size : 0;
  }

  append(line: string): void {
    const text = `${line}\n`;
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > this.rotation.maxBytes) this.rotate();
    appendFileSync(this.file, text);
    this.size += bytes;
  }

  /** Ages every file by one: the oldest is dropped, the current one becomes `.1`. */
  private rotate(): void {
    const { olderFiles } = this.rotation;
    if (olderFiles === 0) rmSync(this.file, { force: true });
    for (let age = olderFiles; age >= 1; age--) {
      const from = age === 1 ? this.file : olderFile(this.file, age - 1);
      if (existsSync(from)) renameSync(from, olderFile(this.file, age));
    }
    this.size = 0;
  }
}
