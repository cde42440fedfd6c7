import { readCloudState } from '../../infra/local/cloud-state.ts';
import type { ScenarioContext } from './scenario.ts';

/** A fault rule as `POST /faults` takes it (see infra/local/faults/fault-control.ts). */
export interface FaultRule {
  readonly service: 'kinesis' | 'dynamodb' | 's3' | 'sns';
  readonly operations?: readonly string[];
  readonly effect: 'throttle' | 'unavailable';
  readonly share?: number;
  readonly seconds?: number;
}

/** The running cloud's fault-injection control (`npm start -- --faults`), on loopback only. */
export const faultControl = (context: ScenarioContext) => {
  const base = readCloudState(context.stateDir).faults;
  if (!base || !new URL(base).hostname.startsWith('127.')) {
    throw new Error(
      `no loopback fault-injection control in ${context.stateDir}/cloud.json: start with --faults`,
    );
  }
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(new URL(path, base), {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    /** Adds a rule; resolves with its id. */
    inject: async (rule: FaultRule): Promise<string> =>
      ((await call('POST', '/faults', rule)) as { id: string }).id,
    /** How many requests each rule answered itself, by rule id. */
    answered: async (): Promise<Map<string, number>> => {
      const listed = (await call('GET', '/faults')) as { id: string; answered: number }[];
      return new Map(listed.map((rule) => [rule.id, rule.answered]));
    },
    clear: () => call('DELETE', '/faults'),
    restartKinesis: () => call('POST', '/servers/kinesis/restart'),
    /** The next `invocations` invocations of `functionName` crash or run past their timeout. */
    functionFault: (functionName: string, effect: 'crash' | 'timeout', invocations: number) =>
      call('POST', `/functions/${encodeURIComponent(functionName)}/faults`, { effect, invocations }),
    /** How many injected function faults are still pending and how many fired. */
    functionFaults: async (functionName: string) =>
      (await call('GET', `/functions/${encodeURIComponent(functionName)}/faults`)) as {
        pending: number;
        done: number;
      },
  };
};
export type FaultControl = ReturnType<typeof faultControl>;
