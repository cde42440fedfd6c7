import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { compareSequence } from '../../processors/shared/sequence.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import { eventually, putRecords, scanRollups } from './support/local-cloud-fixture.ts';

const FAST = { 'streamlake:aggregateBatchingWindowSeconds': 1 };

describe('the local cloud restarted mid-stream', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-restart-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('resumes from its durable checkpoints: nothing lost, nothing counted twice', async () => {
    // Prepare: a first run that is stopped while a batch is in flight.
    const events = sampleEvents(3000);
    const [before, after] = [events.slice(0, 2000), events.slice(2000)];
    const first = await LocalCloud.start({ stateDir, context: FAST });
    await putRecords(first, asRecords(before));
    const stop = new AbortController();
    let invocations = 0;
    const aggregate = first.resources.mappings.aggregate.id;
    const running = first.runMappings(stop.signal, {
      invokeOverride: (id) =>
        id !== aggregate
          ? undefined
          : async (event) => {
              invocations++;
              const aggregate = first.localFunction(first.resources.functions.aggregate);
              if (invocations === 1) return aggregate.invoke(event);
              // Stop the cloud while this batch is in flight: it writes part of its records, then crashes.
              stop.abort();
              await aggregate.invoke({ Records: event.Records.slice(0, 400) });
              throw new Error('crash after writing part of the batch');
            },
    });
    await running;
    const checkpointed = Object.keys(
      JSON.parse(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')),
    ).filter((key) => key.startsWith(`${aggregate}/`));
    await first.stop();

    // Act: start again on the same state, send more, and let it catch up.
    const second = await LocalCloud.start({ stateDir, context: FAST });
    try {
      const targets = await putRecords(second, asRecords(after));
      const caughtUp = new Map<string, string>();
      const resume = new AbortController();
      const resumed = second.runMappings(resume.signal, {
        observer: {
          onCheckpoint: ({ mappingId, shardId, sequenceNumber }) => {
            if (mappingId === aggregate) caughtUp.set(shardId, sequenceNumber);
          },
        },
      });
      await eventually(
        () => [...targets].every(([shard, last]) => compareSequence(caughtUp.get(shard) ?? '0', last) >= 0),
        90_000,
        'the restarted pipeline to catch up',
      );
      resume.abort();
      await resumed;

      // Assess: every event of both runs counted exactly once.
      expect(checkpointed).toHaveLength(1); // the first run finished one batch before it stopped
      expect(rollupDifferences(expectedRollups(events), await scanRollups(second))).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
