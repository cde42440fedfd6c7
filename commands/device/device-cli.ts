import { join } from 'node:path';
import { registerLocalDevice, revokeLocalDevice } from '../../infra/local/iot/local-devices.ts';
import { runWithOptions } from '../shared/command-line.ts';
import { runCommand } from '../shared/run-command.ts';
import { registerOnAws, revokeOnAws } from './aws-devices.ts';
import { DEVICE_COMMAND, type DeviceOptions } from './device-options.ts';
import { deviceCredentialsOf, runDeviceProgram, runningLocalBroker } from './device-program.ts';
import { createIotClient } from './iot-client.ts';
import { deviceStackFromOutputs } from './stack-outputs.ts';

// The AWS SDK warns once per process about Node 20; the command's output is the device's, not that.
process.removeAllListeners('warning');

const registerLocally = (options: DeviceOptions): number => {
  const endpoint = runningLocalBroker(options.stateDir);
  const device = registerLocalDevice(options.stateDir, options.deviceId, endpoint ? { endpoint } : {});
  console.log(`device ${device.deviceId} registered with the local CA in ${options.stateDir}`);
  console.log(`  certificate ${device.certificateId} ACTIVE, attached to thing ${device.deviceId}`);
  console.log(`  files       ${device.folder}`);
  console.log(`  topic       ${device.topic}`);
  console.log(
    `  endpoint    ${endpoint ?? 'none running now: npm start serves the broker, and run finds it in cloud.json'}`,
  );
  return 0;
};

const revokeLocally = (options: DeviceOptions): number => {
  const revoked = revokeLocalDevice(options.stateDir, options.deviceId);
  console.log(
    revoked.length
      ? `device ${options.deviceId}: certificate ${revoked.join(', ')} REVOKED; the local broker refuses it from its next connection`
      : `device ${options.deviceId} had no active certificate: nothing to revoke`,
  );
  return 0;
};

/** Register or revoke on AWS IoT Core with the process's one IoT client. */
const onAws = async (options: DeviceOptions): Promise<number> => {
  const iot = createIotClient();
  const calls = { iot, log: (line: string) => console.error(`  ${line}`) };
  try {
    if (options.action === 'revoke') {
      const revoked = await revokeOnAws(calls, options.deviceId);
      console.log(
        `device ${options.deviceId} revoked on AWS IoT: ${revoked.length} certificate(s) deactivated and deleted, thing deleted`,
      );
      return 0;
    }
    const stack =
      options.policyName && options.thingTypeName
        ? { policyName: options.policyName, thingTypeName: options.thingTypeName }
        : deviceStackFromOutputs(options.outputsFile);
    const folder = join(options.dir, options.deviceId);
    const { device, created } = await registerOnAws(calls, options.deviceId, folder, stack);
    console.log(
      `device ${device.deviceId} ${created ? 'registered on AWS IoT' : 'already registered (certificate ACTIVE): kept'}`,
    );
    console.log(`  certificate ${device.certificateId}`);
    console.log(`  files       ${folder}`);
    console.log(`  endpoint    ${device.endpoint}`);
    console.log(`  topic       ${device.topic}`);
    return 0;
  } finally {
    iot.destroy();
  }
};

/** Runs the device program until its duration ends; the first Ctrl-C stops producing, the second quits. */
const runDevice = async (options: DeviceOptions): Promise<number> => {
  const credentials = deviceCredentialsOf(options);
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write(
      '\nstopping: waiting for the acknowledgements in flight (Ctrl-C again to quit at once)\n',
    );
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runDeviceProgram(credentials, options, stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

const device = async (options: DeviceOptions): Promise<number> => {
  if (options.action === 'run') return runDevice(options);
  if (!options.local) return onAws(options);
  return options.action === 'register' ? registerLocally(options) : revokeLocally(options);
};

runCommand('device', () => runWithOptions(DEVICE_COMMAND, process.argv.slice(2), device), 1);
