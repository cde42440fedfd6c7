import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../../../processors/shared/errors.ts';

/**
 * Durable checkpoints: per mapping and shard, the last sequence number whose batch was fully
 * handled. Saved atomically (write + rename) after every batch, so a restart resumes right after it.
 */
export class CheckpointStore {
  private readonly checkpoints: Record<string, string>;

  constructor(private readonly path?: string) {
    this.checkpoints = path ? CheckpointStore.load(path) : {};
  }

  private static load(path: string): Record<string, string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`checkpoint file ${path} is unreadable (${errorMessage(error)}): fix or delete it`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`checkpoint file ${path} is unreadable (not a JSON object): fix or delete it`);
    }
    return parsed as Record<string, string>;
  }

  get(mappingId: string, shardId: string): string | undefined {
    return this.checkpoints[`${mappingId}/${shardId}`];
  }

  set(mappingId: string, shardId: string, sequenceNumber: string): void {
    this.checkpoints[`${mappingId}/${shardId}`] = sequenceNumber;
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.checkpoints, null, 1));
    renameSync(temporary, this.path);
  }
}
