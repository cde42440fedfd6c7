import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CloudState, objectFolder, S3RVER_OBJECT_SUFFIX } from '../../infra/local/cloud-state.ts';
import type { RejectedRecord } from '../../processors/shared/classify.ts';
import { errorMessage } from '../../processors/shared/errors.ts';
import { DEFAULT_QUARANTINE_PREFIX } from '../../processors/shared/lake-layout.ts';
import { type LedgerEntry, parseLedger } from './replay-plan.ts';

export const QUARANTINE_PREFIX = DEFAULT_QUARANTINE_PREFIX;
export const LEDGER_FILE = 'replay-ledger.jsonl';

/** Every s3rver object file under `folder`, at any depth (older runs wrote fewer key levels). */
const objectFiles = (folder: string): string[] => {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(`.jsonl${S3RVER_OBJECT_SUFFIX}`))
    .sort()
    .map((name) => join(folder, name));
};

/** Every line of every quarantine object in the lake bucket, as written (duplicates included). */
export const readQuarantine = (state: Pick<CloudState, 's3Directory' | 'lakeBucket'>): RejectedRecord[] =>
  objectFiles(objectFolder(state, QUARANTINE_PREFIX)).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line) as RejectedRecord;
        } catch (error) {
          throw new Error(`${file}:${i + 1} is not a quarantined record (${errorMessage(error)})`);
        }
      }),
  );

/** The replay ledger of a state folder; empty when nothing was ever replayed. */
export const readLedger = (stateDir: string): LedgerEntry[] => {
  const file = join(stateDir, LEDGER_FILE);
  return existsSync(file) ? parseLedger(readFileSync(file, 'utf8'), file) : [];
};
