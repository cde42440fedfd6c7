import { describe, expect, it } from 'vitest';
import { parseStartArgs, START_USAGE } from '../../../../commands/start/start-options.ts';
import { usageErrorOf } from '../support/usage-error.ts';

describe('npm start command line', () => {
  it('defaults to the demo: 1,000 events/s for 60 s, a little poison, the .streamlake state', () => {
    expect(parseStartArgs([])).toEqual({
      rate: 1000,
      durationSeconds: 60,
      forever: false,
      seed: 42,
      devices: 50,
      poisonRate: 0.002,
      archiveWindowSeconds: 10,
      shards: 2,
      stateDir: '.streamlake',
      fresh: false,
      basePort: 4567,
      webVia: 'collector',
    });
  });

  it('reads every option, and leaves the batching window and dashboard port to the stack and cloud unless given', () => {
    expect(
      parseStartArgs([
        '--rate=200',
        '--duration',
        '5',
        '--forever',
        '--seed=7',
        '--devices=3',
        '--poison-rate=0',
        '--batching-window=1',
        '--archive-window=2',
        '--shards=4',
        '--state-dir=/tmp/s',
        '--fresh',
        '--base-port=5000',
        '--dashboard-port=6000',
        '--faults',
        '--web-via=kinesis',
        '--devices-via=kinesis',
      ]),
    ).toEqual({
      rate: 200,
      durationSeconds: 5,
      forever: true,
      seed: 7,
      devices: 3,
      poisonRate: 0,
      batchingWindowSeconds: 1,
      archiveWindowSeconds: 2,
      shards: 4,
      stateDir: '/tmp/s',
      fresh: true,
      basePort: 5000,
      dashboardPort: 6000,
      faults: true,
      webVia: 'kinesis',
      devicesVia: 'kinesis',
    });
    expect(parseStartArgs(['--devices-via', 'mqtt'])).toMatchObject({ devicesVia: 'mqtt' });
  });

  it('reads how devices batch their messages, and leaves the writer defaults when none is given (D36)', () => {
    expect(
      parseStartArgs([
        '--device-events-per-message',
        '1',
        '--device-message-bytes=2048',
        '--device-max-delay',
        '500',
      ]),
    ).toMatchObject({ deviceBatching: { eventsPerMessage: 1, maxMessageBytes: 2048, maxDelayMs: 500 } });
    expect(parseStartArgs([])).not.toHaveProperty('deviceBatching');
    expect(usageErrorOf(() => parseStartArgs(['--device-max-delay=x'])).message).toBe(
      '--device-max-delay must be an integer between 0 and 300000 (given "x")',
    );
  });

  it('returns undefined for --help, whose text names every option it parses', () => {
    expect(parseStartArgs(['-h'])).toBeUndefined();
    for (const option of [
      '--rate N',
      '--duration S',
      '--forever',
      '--seed N',
      '--devices N',
      '--poison-rate F',
      '--batching-window S',
      '--archive-window S',
      '--shards N',
      '--state-dir DIR',
      '--fresh',
      '--base-port N',
      '--dashboard-port N',
      '--web-via PATH',
      '--devices-via PATH',
      '--device-events-per-message N',
      '--device-message-bytes B',
      '--device-max-delay MS',
      '-h, --help',
    ]) {
      expect(START_USAGE).toContain(`\n  ${option} `);
    }
  });

  it('refuses a bad value naming it, an unknown option and a positional', () => {
    expect(usageErrorOf(() => parseStartArgs(['--rate', 'fast'])).message).toBe(
      '--rate must be a number between 1 and 1000000 (given "fast")',
    );
    expect(usageErrorOf(() => parseStartArgs(['--shards=1.5'])).message).toBe(
      '--shards must be an integer between 1 and 64 (given "1.5")',
    );
    expect(usageErrorOf(() => parseStartArgs(['--dashboard-port=80'])).message).toMatch(/--dashboard-port/);
    expect(usageErrorOf(() => parseStartArgs(['--web-via=mqtt'])).message).toBe(
      '--web-via must be collector or kinesis (given "mqtt")',
    );
    expect(usageErrorOf(() => parseStartArgs(['--devices-via=http'])).message).toBe(
      '--devices-via must be mqtt or kinesis (given "http")',
    );
    expect(usageErrorOf(() => parseStartArgs(['--bogus'])).message).toMatch(/Unknown option '--bogus'/);
    expect(usageErrorOf(() => parseStartArgs(['now'])).message).toMatch(/Unexpected argument 'now'/);
  });
});
