import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where one local cloud keeps its files. With a state folder, the servers keep their data there so a
 * restart finds it; without one everything is ephemeral: servers in memory (their paths unset) and the
 * files they must write in a temporary folder, removed when the cloud stops.
 */
export interface CloudFolders {
  /** The `--state-dir`, when given. */
  readonly stateDir?: string;
  /** A temporary folder to remove at stop; set only when there is no state folder. */
  readonly ephemeralDir?: string;
  /** The synthesized cloud assembly (the bundled functions are read from it). */
  readonly assemblyDir: string;
  /** s3rver always writes to disk: into the state folder, else the temporary one. */
  readonly s3Data: string;
  readonly kinesisData?: string;
  readonly dynamoDbData?: string;
  readonly snsState?: string;
  readonly alertsFile?: string;
  readonly functionsLog?: string;
  /** Where a log group the template declares gets its lines (a REST API's access log): `logs/<logical id>.log`. */
  readonly logGroupFile?: (logGroupLogicalId: string) => string;
  readonly checkpointsFile?: string;
  /** Where each Firehose delivery stream stands in its source (firehose/delivery-positions.ts). */
  readonly firehosePositionsFile?: string;
  /** The broker's refusals and the rule engine's errors (`logs/iot.log`). */
  readonly iotLog?: string;
}

/** The layout of a state folder (`stateDir`), or of a new temporary folder when there is none. */
export const cloudFolders = (
  stateDir: string | undefined,
  makeTemporary: () => string = () => mkdtempSync(join(tmpdir(), 'streamlake-')),
): CloudFolders => {
  if (!stateDir) {
    const scratchDir = makeTemporary();
    return {
      ephemeralDir: scratchDir,
      assemblyDir: join(scratchDir, 'cdk.out'),
      s3Data: join(scratchDir, 's3'),
    };
  }
  return {
    stateDir,
    assemblyDir: join(stateDir, 'cdk.out'),
    s3Data: join(stateDir, 's3'),
    kinesisData: join(stateDir, 'kinesis'),
    dynamoDbData: join(stateDir, 'dynamodb'),
    snsState: join(stateDir, 'sns.json'),
    alertsFile: join(stateDir, 'alerts.jsonl'),
    functionsLog: join(stateDir, 'logs', 'functions.log'),
    logGroupFile: (logGroup) => join(stateDir, 'logs', `${logGroup}.log`),
    checkpointsFile: join(stateDir, 'checkpoints.json'),
    firehosePositionsFile: join(stateDir, 'firehose-positions.json'),
    iotLog: join(stateDir, 'logs', 'iot.log'),
  };
};
