import type { LocalEndpoints } from '../clients.ts';
import { freePort } from '../servers/ports.ts';
import { ExchangeTaps } from './exchange-tap.ts';
import { FaultControl, type FaultControlTargets } from './fault-control.ts';
import { FaultProxy } from './fault-proxy.ts';
import { FAULT_SERVICES, FaultRules, type FaultService } from './fault-rules.ts';

/** Fault injection while the local cloud runs: a proxy before each service, and the control that rules them. */
export interface FaultInjection {
  /** The proxies' endpoints: what every client of the cloud uses in place of the services'. */
  readonly endpoints: LocalEndpoints;
  /** The control's address (see fault-control.ts). */
  readonly control: string;
  readonly rules: FaultRules;
  /** What watches every request through the proxies (`npm run cost` counts there). */
  readonly taps: ExchangeTaps;
  /** Stops the control, then the proxies; the services behind them keep running. */
  stop(): Promise<void>;
}

const startProxies = async (
  servers: LocalEndpoints,
  rules: FaultRules,
  taps: ExchangeTaps,
): Promise<Map<FaultService, FaultProxy>> => {
  const proxies = new Map<FaultService, FaultProxy>();
  try {
    for (const service of FAULT_SERVICES) {
      const upstream = servers[service];
      if (!upstream) continue;
      proxies.set(
        service,
        await FaultProxy.start({ service, upstream, rules, taps, port: await freePort() }),
      );
    }
    return proxies;
  } catch (error) {
    await Promise.all([...proxies.values()].map((proxy) => proxy.stop()));
    throw error;
  }
};

/** The proxies' endpoints, service by service. */
const endpointsOf = (proxies: Map<FaultService, FaultProxy>): LocalEndpoints => {
  const endpointOf = (service: FaultService) => proxies.get(service)?.endpoint ?? '';
  const sns = proxies.get('sns');
  return {
    kinesis: endpointOf('kinesis'),
    dynamodb: endpointOf('dynamodb'),
    s3: endpointOf('s3'),
    ...(sns ? { sns: sns.endpoint } : {}),
  };
};

/**
 * Starts a fault proxy in front of each service of `servers` and the fault control on free loopback
 * ports. With no rule in force every request passes through unchanged.
 */
export const startFaultInjection = async (
  servers: LocalEndpoints,
  targets: Omit<FaultControlTargets, 'rules'>,
): Promise<FaultInjection> => {
  const rules = new FaultRules();
  const taps = new ExchangeTaps();
  const proxies = await startProxies(servers, rules, taps);
  const stopProxies = () =>
    Promise.all([...proxies.values()].map((proxy) => proxy.stop())).then(() => undefined);
  let control: FaultControl;
  try {
    control = await FaultControl.start(await freePort(), { ...targets, rules });
  } catch (error) {
    await stopProxies();
    throw error;
  }
  return {
    endpoints: endpointsOf(proxies),
    control: control.endpoint,
    rules,
    taps,
    stop: async () => {
      await control.stop();
      await stopProxies();
    },
  };
};
