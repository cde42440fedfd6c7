import { numberOption, UsageError } from '../../producers/cli-options.ts';
import {
  DEVICE_BATCH_OPTIONS,
  type DeviceBatchSettings,
  deviceBatchSettings,
} from '../../producers/mqtt-device-options.ts';
import {
  type Command,
  type GivenArguments,
  parseCommand,
  stateDirOf,
  stateDirOption,
  usageText,
} from '../shared/command-line.ts';

export type DeviceAction = 'register' | 'revoke' | 'run';
const ACTIONS: readonly DeviceAction[] = ['register', 'revoke', 'run'];

/** How `npm run device -- run` paces the device, and packs its events into messages (only what was given). */
export interface DeviceRunSettings extends DeviceBatchSettings {
  readonly rate: number;
  readonly durationSeconds: number;
  readonly forever: boolean;
  readonly seed: number;
  /** Overrides the endpoint the device's files (or the running local cloud) name. */
  readonly endpoint?: string;
}

export interface DeviceOptions {
  readonly action: DeviceAction;
  readonly deviceId: string;
  /** The local cloud's CA and registry in `stateDir`, instead of AWS IoT Core. */
  readonly local: boolean;
  readonly stateDir: string;
  /** Where devices registered on AWS keep their folders (`<dir>/<deviceId>/`). */
  readonly dir: string;
  /** register on AWS: the policy and thing type, given or read from `outputsFile`. */
  readonly policyName?: string;
  readonly thingTypeName?: string;
  readonly outputsFile: string;
  readonly run: DeviceRunSettings;
}

/** Options that only one action, or only one of AWS and local, reads: given elsewhere, they are a mistake. */
const ONLY_WITH: Readonly<
  Record<string, { readonly actions?: readonly DeviceAction[]; readonly local?: boolean }>
> = {
  rate: { actions: ['run'] },
  duration: { actions: ['run'] },
  forever: { actions: ['run'] },
  seed: { actions: ['run'] },
  endpoint: { actions: ['run'] },
  ...Object.fromEntries(Object.keys(DEVICE_BATCH_OPTIONS).map((name) => [name, { actions: ['run'] }])),
  policy: { actions: ['register'], local: false },
  'thing-type': { actions: ['register'], local: false },
  outputs: { actions: ['register'], local: false },
  'state-dir': { local: true },
  dir: { local: false },
};

const checkStrays = (given: GivenArguments, action: DeviceAction, local: boolean) => {
  for (const [name, { actions, local: needsLocal }] of Object.entries(ONLY_WITH)) {
    if (given.text(name) === undefined && !given.flag(name)) continue;
    if (actions && !actions.includes(action)) {
      throw new UsageError(`--${name} applies to ${actions.join(' and ')}, not ${action}: drop it`);
    }
    if (needsLocal !== undefined && needsLocal !== local) {
      throw new UsageError(
        needsLocal
          ? `--${name} applies with --local: add --local or drop --${name}`
          : `--${name} applies on AWS, not with --local: drop it`,
      );
    }
  }
};

const runSettingsOf = (given: GivenArguments): DeviceRunSettings => {
  const endpoint = given.text('endpoint');
  if (endpoint !== undefined && !/^mqtts:\/\/[^/:]+(:\d+)?\/?$/.test(endpoint)) {
    throw new UsageError(
      `--endpoint must be mqtts://host[:port], e.g. mqtts://abc123-ats.iot.us-east-1.amazonaws.com:8883 (given "${endpoint}")`,
    );
  }
  return {
    // AWS IoT Core takes at most 100 publishes per second on one connection.
    rate: numberOption('--rate', given.text('rate'), 1, 1, 100),
    durationSeconds: numberOption('--duration', given.text('duration'), 60, 0, 31_536_000),
    forever: given.flag('forever'),
    seed: numberOption('--seed', given.text('seed'), 42, 0, 4_294_967_295, true),
    ...(endpoint ? { endpoint } : {}),
    ...deviceBatchSettings((name) => given.text(name)),
  };
};

const readDeviceOptions = (given: GivenArguments): DeviceOptions => {
  const [action, deviceId, ...rest] = given.positionals;
  if (!action || !ACTIONS.includes(action as DeviceAction)) {
    throw new UsageError(
      `give an action, register, revoke or run (given ${action ? `"${action}"` : 'none'})`,
    );
  }
  if (!deviceId)
    throw new UsageError(`${action} needs a device id, e.g. npm run device -- ${action} dev-0001`);
  // The telemetry contracts take a deviceId of at most 64 characters; a thing name may be longer.
  if (deviceId.length > 64) {
    throw new UsageError(
      `a device id has at most 64 characters, the telemetry contracts' limit (given ${deviceId.length})`,
    );
  }
  if (rest.length > 0) throw new UsageError(`one device at a time (given also "${rest.join('", "')}")`);
  const local = given.flag('local');
  checkStrays(given, action as DeviceAction, local);
  const policyName = given.text('policy');
  const thingTypeName = given.text('thing-type');
  if ((policyName === undefined) !== (thingTypeName === undefined)) {
    throw new UsageError(
      '--policy and --thing-type go together (the stack outputs DevicePolicyName and DeviceThingTypeName)',
    );
  }
  const dir = given.text('dir') ?? 'devices';
  if (dir === '') throw new UsageError('--dir needs a folder (given "")');
  return {
    action: action as DeviceAction,
    deviceId,
    local,
    stateDir: stateDirOf(given, '.streamlake'),
    dir,
    ...(policyName && thingTypeName ? { policyName, thingTypeName } : {}),
    outputsFile: given.text('outputs') ?? 'cdk-outputs.json',
    run: runSettingsOf(given),
  };
};

export const DEVICE_COMMAND: Command<DeviceOptions> = {
  command: 'npm run device',
  synopsis: '<register|revoke|run> <deviceId> [--local [--state-dir DIR]] [options]',
  description: `Registers an IoT device (a thing, its certificate and the stack's device policy), revokes it, or runs the
device program: one simulated sensor publishing its telemetry over MQTT (TLS, QoS 1) with its own
certificate to streamlake/devices/<deviceId>/telemetry, where the stack's topic rule puts it into the
event stream. On AWS IoT Core by default; with --local, against the local cloud's CA and broker.`,
  arguments: [
    { name: 'register', help: 'create the device and write its folder (idempotent: an active one is kept)' },
    { name: 'revoke', help: 'deactivate its certificate: the broker refuses it from its next connection' },
    { name: 'run', help: 'run the device program against the endpoint its folder names' },
    { name: 'deviceId', help: "the thing name and MQTT client id: 1 to 64 letters, digits, ':', '_', '-'" },
  ],
  options: {
    local: { type: 'boolean', help: "the local cloud's CA, registry and broker (npm start) instead of AWS" },
    'state-dir': stateDirOption("with --local: the local cloud's state folder (default .streamlake)"),
    dir: {
      type: 'string',
      value: 'DIR',
      help: "on AWS: where each device's folder is written and read, <DIR>/<deviceId>/ (default devices)",
    },
    policy: {
      type: 'string',
      value: 'NAME',
      help: "register on AWS: the IoT policy to attach, the stack's DevicePolicyName output",
    },
    'thing-type': {
      type: 'string',
      value: 'NAME',
      help: "register on AWS: the thing type, the stack's DeviceThingTypeName output",
    },
    outputs: {
      type: 'string',
      value: 'FILE',
      help: `register on AWS without --policy: read both from the file npx cdk deploy --outputs-file FILE
wrote (default cdk-outputs.json)`,
    },
    rate: { type: 'string', value: 'N', help: 'run: events per second, 1 to 100 (default 1)' },
    duration: { type: 'string', value: 'S', help: 'run: seconds to run (default 60)' },
    forever: { type: 'boolean', help: 'run: until Ctrl-C' },
    seed: { type: 'string', value: 'N', help: "run: the simulated sensor's seed (default 42)" },
    endpoint: {
      type: 'string',
      value: 'URL',
      help: `run: mqtts://host[:port] instead of the endpoint the device's folder names (with --local:
the running local cloud's broker)`,
    },
    ...Object.fromEntries(
      Object.entries(DEVICE_BATCH_OPTIONS).map(([name, option]) => [
        name,
        { ...option, help: `run: ${option.help}` },
      ]),
    ),
  },
  notes: `Files: on AWS <dir>/<deviceId>/, locally <state-dir>/iot/devices/<deviceId>/: certificate.pem,
private-key.pem, ca.pem (Amazon Root CA 1, or the local CA) and device.json (endpoint, clientId, topic).
AWS credentials and region come from the environment (AWS_PROFILE, AWS_REGION) as for the AWS CLI.
Exit status: 0 done (run: every message acknowledged), 1 failed, 2 bad options.`,
  read: readDeviceOptions,
};

export const DEVICE_USAGE = usageText(DEVICE_COMMAND);

/** Parses `npm run device` arguments; undefined means --help. Throws UsageError naming a bad value. */
export const parseDeviceArgs = (argv: readonly string[]): DeviceOptions | undefined =>
  parseCommand(DEVICE_COMMAND, argv);
