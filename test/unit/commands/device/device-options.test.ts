import { describe, expect, it } from 'vitest';
import { DEVICE_USAGE, parseDeviceArgs } from '../../../../commands/device/device-options.ts';
import { usageErrorOf } from '../support/usage-error.ts';

describe('npm run device command line', () => {
  it('registers on AWS by default, reading the policy and thing type from cdk-outputs.json', () => {
    expect(parseDeviceArgs(['register', 'dev-0001'])).toEqual({
      action: 'register',
      deviceId: 'dev-0001',
      local: false,
      stateDir: '.streamlake',
      dir: 'devices',
      outputsFile: 'cdk-outputs.json',
      run: { rate: 1, durationSeconds: 60, forever: false, seed: 42 },
    });
    expect(
      parseDeviceArgs(['register', 'dev-0001', '--policy', 'P', '--thing-type', 'T', '--dir', 'fleet']),
    ).toMatchObject({ policyName: 'P', thingTypeName: 'T', dir: 'fleet' });
  });

  it('reads --local with its state folder, and the run settings', () => {
    expect(parseDeviceArgs(['revoke', 'dev-7', '--local', '--state-dir', '/tmp/s'])).toMatchObject({
      action: 'revoke',
      local: true,
      stateDir: '/tmp/s',
    });
    expect(
      parseDeviceArgs([
        'run',
        'dev-7',
        '--local',
        '--rate=20',
        '--duration=5',
        '--seed=3',
        '--endpoint',
        'mqtts://127.0.0.1:4573',
      ]),
    ).toMatchObject({
      action: 'run',
      run: { rate: 20, durationSeconds: 5, forever: false, seed: 3, endpoint: 'mqtts://127.0.0.1:4573' },
    });
  });

  it('reads how the device packs events into messages, only what was given (the writer has the defaults)', () => {
    expect(
      parseDeviceArgs([
        'run',
        'dev-7',
        '--events-per-message=1',
        '--message-bytes',
        '2000',
        '--max-delay=500',
      ]),
    ).toMatchObject({ run: { eventsPerMessage: 1, maxMessageBytes: 2000, maxDelayMs: 500 } });
    expect(parseDeviceArgs(['run', 'dev-7'])?.run).not.toHaveProperty('eventsPerMessage');
    expect(usageErrorOf(() => parseDeviceArgs(['run', 'dev-1', '--events-per-message=0'])).message).toBe(
      '--events-per-message must be an integer between 1 and 500 (given "0")',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['run', 'dev-1', '--message-bytes=200000'])).message).toBe(
      '--message-bytes must be an integer between 1 and 131072 (given "200000")',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['run', 'dev-1', '--max-delay=2.5'])).message).toBe(
      '--max-delay must be an integer between 0 and 300000 (given "2.5")',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['register', 'dev-1', '--max-delay=5'])).message).toBe(
      '--max-delay applies to run, not register: drop it',
    );
  });

  it('returns undefined for --help, whose text names every action and option', () => {
    expect(parseDeviceArgs(['--help'])).toBeUndefined();
    for (const text of [
      'register ',
      'revoke ',
      'run ',
      'deviceId ',
      '--local ',
      '--policy NAME ',
      '--rate N ',
      '--events-per-message N ',
      '--message-bytes B ',
      '--max-delay MS ',
    ]) {
      expect(DEVICE_USAGE).toContain(`\n  ${text}`);
    }
  });

  it('refuses a missing or unknown action, a missing device id and a bad value, naming them', () => {
    expect(usageErrorOf(() => parseDeviceArgs([])).message).toBe(
      'give an action, register, revoke or run (given none)',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['create', 'dev-1'])).message).toBe(
      'give an action, register, revoke or run (given "create")',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['run'])).message).toBe(
      'run needs a device id, e.g. npm run device -- run dev-0001',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['run', 'dev-1', '--rate=500'])).message).toBe(
      '--rate must be a number between 1 and 100 (given "500")',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['run', 'dev-1', '--endpoint=http://x'])).message).toContain(
      '--endpoint must be mqtts://host[:port]',
    );
  });

  it('refuses options that do not apply to the action or to where it runs', () => {
    expect(usageErrorOf(() => parseDeviceArgs(['register', 'dev-1', '--rate=5'])).message).toBe(
      '--rate applies to run, not register: drop it',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['register', 'dev-1', '--local', '--policy=P'])).message).toBe(
      '--policy applies on AWS, not with --local: drop it',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['revoke', 'dev-1', '--state-dir=s'])).message).toBe(
      '--state-dir applies with --local: add --local or drop --state-dir',
    );
    expect(usageErrorOf(() => parseDeviceArgs(['register', 'dev-1', '--policy=P'])).message).toContain(
      '--policy and --thing-type go together',
    );
  });
});
