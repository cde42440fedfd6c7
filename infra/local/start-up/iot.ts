import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type LocalClients } from '../clients.ts';
import { IOT_LOG_ROTATION } from '../iot/broker-record.ts';
import type { IotPolicyPlan } from '../iot/iot-policy.ts';
import type { LocalIot } from '../iot/local-iot.ts';
import { TopicRuleEngine } from '../iot/rules/rule-engine.ts';
import { startLocalIot } from '../iot/start-local-iot.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import { RotatingLog } from '../rotating-log.ts';
import type { CloudPlan } from '../template.ts';
import type { CloudFolders } from './folders.ts';

export interface CloudIotParts {
  /** The stack's device policy; without one the stack has no device edge and nothing starts. */
  readonly devicePolicy: IotPolicyPlan | undefined;
  readonly plan: CloudPlan;
  readonly port: number;
  readonly folders: CloudFolders;
  /** The clients the rule actions write through (the fault proxies', with --faults). */
  readonly clients: LocalClients;
  readonly store: MetricStore;
}

/**
 * The local IoT Core, when the stack declares a device policy: the template's topic rules compiled (a rule using
 * SQL the engine cannot evaluate stops the start, naming it), then the broker, whose accepted publishes go to them.
 * The broker's refusals and the rules' errors share `logs/iot.log`; without a state folder the CA and the
 * registry live in the cloud's temporary folder.
 */
export const startCloudIot = async (parts: CloudIotParts): Promise<LocalIot | undefined> => {
  const { devicePolicy, folders } = parts;
  const filesDir = folders.stateDir ?? folders.ephemeralDir;
  if (!devicePolicy || !filesDir) return undefined;
  const log = folders.iotLog ? new RotatingLog(folders.iotLog, IOT_LOG_ROTATION) : undefined;
  const rules = TopicRuleEngine.fromPlan(parts.plan.topicRules, {
    kinesis: parts.clients.kinesis,
    s3: parts.clients.s3,
    ...(folders.logGroupFile ? { logFileOf: folders.logGroupFile } : {}),
    metricStore: parts.store,
    ...(log ? { log: (line: string) => log.append(line) } : {}),
  });
  return startLocalIot({
    port: parts.port,
    filesDir,
    policy: devicePolicy,
    sink: rules,
    store: parts.store,
    account: { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID },
    ...(log ? { log } : {}),
  });
};
