import { describe, expect, it } from 'vitest';
import { parseCliArgs, USAGE } from '../../../producers/cli-options.ts';

const COLLECTOR = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/v1/server/events';

describe('produce command line', () => {
  it('applies the documented defaults', () => {
    // Act
    const parsed = parseCliArgs(['--stream', 'events']);
    // Assess
    expect(parsed).toEqual({
      kind: 'run',
      options: {
        stream: 'events',
        rate: 1000,
        durationSeconds: 60,
        forever: false,
        seed: 42,
        devices: 50,
        poisonRate: 0,
      },
    });
  });

  it('reads every option', () => {
    // Act
    const parsed = parseCliArgs([
      '--stream=events',
      '--endpoint',
      'http://127.0.0.1:4567',
      '--rate',
      '250.5',
      '--duration',
      '10',
      '--forever',
      '--seed',
      '7',
      '--devices',
      '3',
      '--poison-rate',
      '0.02',
      '--ground-truth',
      'out/truth.jsonl',
    ]);
    // Assess
    expect(parsed).toEqual({
      kind: 'run',
      options: {
        stream: 'events',
        endpoint: 'http://127.0.0.1:4567',
        rate: 250.5,
        durationSeconds: 10,
        forever: true,
        seed: 7,
        devices: 3,
        poisonRate: 0.02,
        groundTruthPath: 'out/truth.jsonl',
      },
    });
  });

  it('reads the collector options; the stream is optional with --web-only', () => {
    // Act
    const both = parseCliArgs(['--stream', 'events', '--collector', COLLECTOR, '--api-key', 'k-1']);
    const webOnly = parseCliArgs([
      '--collector',
      COLLECTOR.replace('/server', ''),
      '--origin',
      'http://127.0.0.1:4173',
      '--events-per-request',
      '1',
      '--web-only',
    ]);
    // Assess
    expect(both).toMatchObject({
      kind: 'run',
      options: {
        stream: 'events',
        collector: { url: COLLECTOR, apiKey: 'k-1', eventsPerRequest: 100, webOnly: false },
      },
    });
    expect(webOnly).toMatchObject({
      kind: 'run',
      options: {
        collector: {
          url: COLLECTOR.replace('/server', ''),
          origin: 'http://127.0.0.1:4173',
          eventsPerRequest: 1,
          webOnly: true,
        },
      },
    });
    expect(webOnly.kind === 'run' && webOnly.options.stream).toBe(undefined);
  });

  it('--help wins over everything else and explains every option', () => {
    // Act
    const parsed = parseCliArgs(['--help', '--rate', 'nonsense']);
    // Assess
    expect(parsed).toEqual({ kind: 'help' });
    for (const flag of [
      '--stream',
      '--endpoint',
      '--rate',
      '--duration',
      '--forever',
      '--seed',
      '--devices',
      '--poison-rate',
      '--ground-truth',
      '--collector',
      '--api-key',
      '--origin',
      '--events-per-request',
      '--web-only',
    ]) {
      expect(USAGE).toContain(flag);
    }
  });

  it.each([
    [['--stream', 'e', '--rate', 'fast'], '--rate must be a number between 1 and 1000000 (given "fast")'],
    [['--stream', 'e', '--rate', '0'], '--rate must be a number between 1 and 1000000 (given "0")'],
    [
      ['--stream', 'e', '--devices', '2.5'],
      '--devices must be an integer between 1 and 100000 (given "2.5")',
    ],
    [['--stream', 'e', '--poison-rate', '5'], '--poison-rate must be a number between 0 and 1 (given "5")'],
    [['--stream', 'e', '--seed=-1'], '--seed must be an integer between 0 and 4294967295 (given "-1")'],
    [['--stream', 'e', '--endpoint', 'localhost:4567'], '--endpoint must be an http(s) URL'],
    [['--rate', '5'], '--stream is required'],
    [['--stream', 'e', '--fast'], "Unknown option '--fast'; run with --help"],
    [
      ['--stream', 'e', '--collector', 'collector.example/v1/events', '--api-key', 'k'],
      "--collector must be the collector's http(s) URL, e.g. https://",
    ],
    [['--stream', 'e', '--collector', COLLECTOR], '--collector needs --api-key KEY'],
    [
      ['--stream', 'e', '--collector', COLLECTOR, '--api-key', ''],
      '--api-key needs the key\'s value (given "")',
    ],
    [
      ['--stream', 'e', '--collector', COLLECTOR, '--origin', 'https://shop.example/'],
      '--origin must be scheme://host[:port] with no path, as browsers send Origin, e.g. https://shop.example (given "https://shop.example/")',
    ],
    [
      ['--stream', 'e', '--collector', COLLECTOR, '--api-key', 'k', '--events-per-request', '501'],
      '--events-per-request must be an integer between 1 and 500 (given "501")',
    ],
    [['--stream', 'e', '--api-key', 'k'], '--api-key applies to the collector: add --collector URL'],
    [['--web-only'], '--web-only applies to the collector'],
    [['--collector', COLLECTOR, '--api-key', 'k'], '--stream is required for the devices (and poison)'],
    [
      ['--collector', COLLECTOR, '--api-key', 'k', '--web-only', '--poison-rate', '0.1'],
      '--web-only sends nothing to Kinesis, but poison goes there directly (given --poison-rate 0.1)',
    ],
  ])('fails on %j with a message naming the value', (argv, message) => {
    // Act / Assess
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
