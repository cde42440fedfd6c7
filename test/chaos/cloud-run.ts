import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { localKinesisClient } from '../../infra/local/clients.ts';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import { duplicateAlerts, verifyFindings } from './checks.ts';
import type { Outcome, ScenarioContext } from './scenario.ts';
import { type StartedCloud, signalGroup, startCloud } from './start-process.ts';

/** The options every scenario's `npm start` gets: its own state folder and ports, short archive batches. */
export const cloudArgs = (context: ScenarioContext, extra: readonly string[]): string[] => [
  '--state-dir',
  context.stateDir,
  '--base-port',
  String(context.basePort),
  // base + 5 is the demo shop's, base + 6 the MQTT broker's (infra/local/start-up/ports.ts).
  '--dashboard-port',
  String(context.basePort + 7),
  '--archive-window',
  '3',
  ...extra,
];

/** Ctrl-C, then what the run's own summary and verify said, and the alerts it published. */
export const stopAndJudge = async (run: StartedCloud, context: ScenarioContext, detail: string) => {
  signalGroup(run, 'SIGINT');
  return judge(run, context, detail);
};

/** Waits for a run to end, and reads its verify, exit code and alerts into an outcome. */
export const judge = async (
  run: StartedCloud,
  context: ScenarioContext,
  detail: string,
): Promise<Outcome> => {
  const { code, signal } = await run.closed;
  const findings = verifyFindings(run.output.stdout);
  const failures: string[] = [];
  if (code !== 0) failures.push(`npm start ended with ${code ?? signal}: ${run.output.stderr.slice(-400)}`);
  if (!findings.clean) {
    // The summary's end says why: the drain, verify's differences, or why verify was skipped.
    failures.push(
      `verify did not report "no differences"; the run ended with:\n${run.output.stdout.slice(-1500)}`,
    );
  }
  context.log(run.output.stdout);
  return {
    lost: findings.lost,
    doubleCounted: findings.doubleCounted,
    duplicateAlerts: duplicateAlerts(context.stateDir),
    failures,
    detail,
  };
};

/** Puts records into the running cloud's event stream (loopback only), failing on any refused entry. */
export const putIntoStream = async (
  context: ScenarioContext,
  records: readonly { data: Uint8Array; partitionKey: string }[],
): Promise<void> => {
  const state = readCloudState(context.stateDir);
  const endpoint = state.endpoints?.kinesis;
  if (!endpoint || !new URL(endpoint).hostname.startsWith('127.')) {
    throw new Error(`no loopback Kinesis endpoint in ${context.stateDir}/cloud.json`);
  }
  const kinesis = localKinesisClient(endpoint);
  try {
    for (let at = 0; at < records.length; at += 500) {
      const chunk = records.slice(at, at + 500);
      const result = await kinesis.send(
        new PutRecordsCommand({
          StreamName: state.eventStream,
          Records: chunk.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })),
        }),
      );
      if (result.FailedRecordCount)
        throw new Error(`${result.FailedRecordCount} records refused by the stream`);
    }
  } finally {
    kinesis.destroy();
  }
};

export { startCloud };
