import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroundTruthWriter, readGroundTruth } from '../../../producers/ground-truth.ts';
import type { AcceptedRecord } from '../../../producers/kinesis-writer.ts';
import { type ProducedRecord, recordOf } from '../../../producers/source.ts';
import type { PageView } from '../../../schemas/index.ts';

const pageView: PageView = {
  schema: 'clickstream.page_view',
  version: 1,
  eventId: '0b8f4a5e-2c1d-4e6f-8a9b-0c1d2e3f4a5b',
  eventTime: '2026-03-01T12:00:00.000Z',
  sessionId: 's-1',
  page: '/',
};
const accepted = (record: ProducedRecord, sequenceNumber: string): AcceptedRecord<ProducedRecord> => ({
  status: 'accepted',
  record,
  shardId: 'shardId-000000000001',
  sequenceNumber,
  attempts: 1,
});

describe('ground truth', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streamlake-ground-truth-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one line per accepted record and reads them back', async () => {
    // Prepare
    const path = join(dir, 'nested', 'truth.jsonl');
    const poison: ProducedRecord = {
      data: new TextEncoder().encode('{"schema":'),
      partitionKey: 's-1',
      poison: 'invalid-json',
    };
    const writer = await GroundTruthWriter.open(path);
    // Act
    writer.append([accepted(recordOf(pageView), '0001'), accepted(poison, '0002')]);
    await writer.close();
    const entries = await readGroundTruth(path);
    // Assess
    expect(entries).toEqual([
      { shardId: 'shardId-000000000001', sequenceNumber: '0001', partitionKey: 's-1', event: pageView },
      {
        shardId: 'shardId-000000000001',
        sequenceNumber: '0002',
        partitionKey: 's-1',
        poison: 'invalid-json',
        raw: Buffer.from('{"schema":').toString('base64'),
      },
    ]);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
  });

  it('writes an event accepted through the collector without a location, and reads it back', async () => {
    // Prepare
    const path = join(dir, 'truth.jsonl');
    const writer = await GroundTruthWriter.open(path);
    // Act
    writer.append([{ status: 'accepted', record: recordOf(pageView), attempts: 1 }]);
    await writer.close();
    // Assess
    expect(await readGroundTruth(path)).toEqual([{ partitionKey: 's-1', event: pageView }]);
  });

  it('refuses a poison entry without its location', async () => {
    // Prepare
    const path = join(dir, 'truth.jsonl');
    await writeFile(path, `${JSON.stringify({ partitionKey: 'k', poison: 'invalid-json', raw: '' })}\n`);
    // Act / Assess
    await expect(readGroundTruth(path)).rejects.toThrow(`${path}:1 is not a ground-truth entry`);
  });

  it('starts a fresh file unless asked to append', async () => {
    // Prepare
    const path = join(dir, 'truth.jsonl');
    await writeFile(path, 'left over from an earlier run\n');
    // Act
    const writer = await GroundTruthWriter.open(path);
    writer.append([accepted(recordOf(pageView), '0001')]);
    await writer.close();
    // Assess
    expect(await readGroundTruth(path)).toHaveLength(1);
  });

  it('names the line that is not a ground-truth entry', async () => {
    // Prepare
    const path = join(dir, 'broken.jsonl');
    await writeFile(
      path,
      `${JSON.stringify({ shardId: 's', sequenceNumber: '1', partitionKey: 'k', event: pageView })}\n{"shardId":`,
    );
    // Act / Assess
    await expect(readGroundTruth(path)).rejects.toThrow(`${path}:2 is not JSON`);
  });
});
