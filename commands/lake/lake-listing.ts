import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type CloudState, objectFolder, S3RVER_OBJECT_SUFFIX } from '../../infra/local/cloud-state.ts';
import {
  type ListedLakeFile,
  lakeSnapshot,
  listedSecond,
  type PartitionFiles,
} from '../../processors/lake/lake-files.ts';
import { DEFAULT_LAKE_PREFIX } from '../../processors/shared/lake-layout.ts';

type LakeState = Pick<CloudState, 's3Directory' | 'lakeBucket'>;

/**
 * The local lake's objects under `lake/` as S3 would list them: key, Last-Modified (s3rver's file time, to the
 * second like any S3 listing), size. Read from s3rver's folder, so it works with or without the server running.
 */
export const listLocalLake = (state: LakeState, prefix = DEFAULT_LAKE_PREFIX): ListedLakeFile[] => {
  const root = objectFolder(state, '');
  const start = objectFolder(state, prefix);
  if (!existsSync(start)) return [];
  const files: ListedLakeFile[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(S3RVER_OBJECT_SUFFIX)) {
        const stat = statSync(path);
        const key = relative(root, path).split(sep).join('/').slice(0, -S3RVER_OBJECT_SUFFIX.length);
        files.push({ key, lastModifiedMs: listedSecond(stat.mtimeMs), bytes: stat.size });
      }
    }
  };
  walk(start);
  return files;
};

/** The local lake's path of an object, as DuckDB reads it. */
export const localObjectPath = (state: LakeState, key: string): string =>
  `${objectFolder(state, key)}${S3RVER_OBJECT_SUFFIX}`;

/** The local lake per partition under the one rule queries and compaction share (D31). */
export const localLakeSnapshot = (state: LakeState): PartitionFiles[] =>
  lakeSnapshot(listLocalLake(state), DEFAULT_LAKE_PREFIX);

/** What `npm start`'s summary says about compaction: what queries read now, and what compaction replaced. */
export interface CompactionFigures {
  /** Partitions (dataset and hour), and how many of them a complete generation covers. */
  readonly hours: number;
  readonly hoursCompacted: number;
  /** Files and bytes a query reads now. */
  readonly visibleFiles: number;
  readonly visibleBytes: number;
  /** Stream files and older parts replaced by a generation, still kept for the grace period. */
  readonly supersededFiles: number;
  readonly supersededBytes: number;
}

export const compactionFigures = (state: LakeState): CompactionFigures => {
  const snapshot = localLakeSnapshot(state);
  const count = (pick: (p: PartitionFiles) => readonly ListedLakeFile[]) =>
    snapshot.reduce((n, p) => n + pick(p).length, 0);
  const bytes = (pick: (p: PartitionFiles) => readonly ListedLakeFile[]) =>
    snapshot.reduce((n, p) => n + pick(p).reduce((b, f) => b + f.bytes, 0), 0);
  return {
    hours: snapshot.length,
    hoursCompacted: snapshot.filter((p) => p.generationMs !== undefined).length,
    visibleFiles: count((p) => p.visible),
    visibleBytes: bytes((p) => p.visible),
    supersededFiles: count((p) => p.superseded),
    supersededBytes: bytes((p) => p.superseded),
  };
};
