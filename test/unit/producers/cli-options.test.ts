import { describe, expect, it } from 'vitest';
import { parseCliArgs, USAGE } from '../../../producers/cli-options.ts';

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
  ])('fails on %j with a message naming the value', (argv, message) => {
    // Act / Assess
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
