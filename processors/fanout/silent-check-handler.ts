import { dynamodb } from '../clients/dynamodb.ts';
import { sns } from '../clients/sns.ts';
import { loadSilentCheckConfig } from './config.ts';
import { createSilentDeviceCheck } from './silent-device-check.ts';

/** The scheduled silent-device check's entry (`index.checkSilentDevices`): the check on the real clients. */
export const checkSilentDevices = createSilentDeviceCheck({ config: loadSilentCheckConfig(), dynamodb, sns });
