import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloudFolders } from '../../../../../infra/local/start-up/folders.ts';

describe('cloudFolders', () => {
  it('keeps everything in the state folder, for the next start to find', () => {
    // Act
    const folders = cloudFolders('/state', () => {
      throw new Error('no temporary folder with a state folder');
    });

    // Assess
    const { logGroupFile, ...paths } = folders;
    expect(logGroupFile?.('CollectorAccessLog')).toBe(join('/state', 'logs', 'CollectorAccessLog.log'));
    expect(paths).toEqual({
      stateDir: '/state',
      assemblyDir: join('/state', 'cdk.out'),
      s3Data: join('/state', 's3'),
      kinesisData: join('/state', 'kinesis'),
      dynamoDbData: join('/state', 'dynamodb'),
      snsState: join('/state', 'sns.json'),
      alertsFile: join('/state', 'alerts.jsonl'),
      functionsLog: join('/state', 'logs', 'functions.log'),
      checkpointsFile: join('/state', 'checkpoints.json'),
      firehosePositionsFile: join('/state', 'firehose-positions.json'),
      iotLog: join('/state', 'logs', 'iot.log'),
    });
  });

  it('without a state folder keeps servers in memory and files in a temporary folder removed at stop', () => {
    // Act
    const folders = cloudFolders(undefined, () => '/tmp/streamlake-x');

    // Assess
    expect(folders).toEqual({
      ephemeralDir: '/tmp/streamlake-x',
      assemblyDir: join('/tmp/streamlake-x', 'cdk.out'),
      s3Data: join('/tmp/streamlake-x', 's3'),
    });
  });
});
