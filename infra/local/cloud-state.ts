import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalEndpoints } from './clients.ts';

/** What `npm start` leaves in `<stateDir>/cloud.json` for tools that run after the servers stop. */
export interface CloudState {
  readonly lakeBucket: string;
  /** s3rver's folder: an object is `<s3Directory>/<bucket>/<key>._S3rver_object`. */
  readonly s3Directory: string;
  readonly rollupsTable: string;
  /** The stream the producers write to (the stack's `StreamName` output); older files lack it. */
  readonly eventStream?: string;
  /** Every bucket of the stack (on-failure destinations among them); older files lack it. */
  readonly buckets?: readonly string[];
  /** Where the servers listened (their fault proxies with `--faults`); only useful while they run. */
  readonly endpoints?: LocalEndpoints;
  /** The ARN of the stack's alerts topic; older files lack it. */
  readonly alertsTopic?: string;
  /** The fault-injection control (`npm start -- --faults`); only while it runs. */
  readonly faults?: string;
  /** The web collector's browser route (`…/v1/events`), when the stack declares one; only while it runs. */
  readonly collector?: string;
  /** The demo shop (`http://127.0.0.1:<port>/`), served beside the collector; only while it runs. */
  readonly shop?: string;
  /** The MQTT broker (`mqtts://127.0.0.1:<port>`), when the stack declares a device policy; only while it runs. */
  readonly mqtt?: string;
  /** The local Firehose API (`http://127.0.0.1:<port>`) for @aws-sdk/client-firehose; only while it runs. */
  readonly firehose?: string;
}

/** Written once the servers are up, so tools like `npm run rollups` find the data after they stop. */
export const writeCloudState = (stateDir: string, state: CloudState): void => {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'cloud.json'), JSON.stringify(state, null, 2));
};

export const DEFAULT_STATE_DIR = '.streamlake';

/** Reads `<stateDir>/cloud.json`, or throws saying to run `npm start` first. */
export const readCloudState = (stateDir: string): CloudState => {
  const file = join(stateDir, 'cloud.json');
  if (!existsSync(file)) {
    throw new Error(
      `no local cloud state in ${stateDir} (${file} is missing): run npm start first, or pass --state-dir`,
    );
  }
  const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<CloudState>;
  if (!state.lakeBucket || !state.s3Directory || !state.rollupsTable) {
    throw new Error(
      `${file} lacks lakeBucket, s3Directory or rollupsTable (given ${JSON.stringify(state)}); run npm start again`,
    );
  }
  return state as CloudState;
};

/** s3rver keeps an object's bytes in `<key>._S3rver_object` beside metadata files. */
export const S3RVER_OBJECT_SUFFIX = '._S3rver_object';

/** The folder holding the objects of `bucket` under `prefix` (which ends with "/"). */
export const objectFolder = (state: Pick<CloudState, 's3Directory' | 'lakeBucket'>, prefix: string) =>
  join(state.s3Directory, state.lakeBucket, prefix);
