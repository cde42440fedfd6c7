import { errorMessage } from '../../processors/shared/errors.ts';

/**
 * Runs a command's `main` and ends the process with the status it returns, without cutting output short.
 *
 * `process.exit()` ends the process at once, and whatever stdout has not yet handed to a pipe is lost:
 * Node writes to pipes asynchronously, so `npm run query … | wc -l` counted 1,776 of 47,337 rows. The status
 * goes to `process.exitCode` instead and the process ends by itself once every write has been flushed, which
 * needs `main` to close what it opened (servers, DuckDB, SDK clients, readline).
 *
 * A reader that goes away early (`… | head`) ends the process quietly rather than with an EPIPE stack trace.
 * A failure `main` did not handle prints `<name>: <message>` (no stack trace) and exits `failureCode`.
 */
export const runCommand = (name: string, main: () => Promise<number>, failureCode = 2): void => {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${name}: ${errorMessage(error)}`);
      process.exitCode = failureCode;
    },
  );
};
