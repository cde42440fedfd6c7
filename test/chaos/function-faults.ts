import { cloudArgs, stopAndJudge } from './cloud-run.ts';
import { faultControl } from './fault-control.ts';
import type { Outcome, Scenario, ScenarioContext } from './scenario.ts';
import { eventsFlowing, startCloud } from './start-process.ts';

type Effect = 'crash' | 'timeout';

/**
 * While events flow, the next invocations of each function named in `faults` fail with `effect`; waits until
 * every injected fault fired (a fault that never fired proves nothing), lets the consumers catch up, then judges.
 */
const functionsFailing = async (
  context: ScenarioContext,
  effect: Effect,
  faults: Readonly<Record<string, number>>,
  waitMs: number,
  detail: string,
): Promise<Outcome> => {
  const run = startCloud(cloudArgs(context, ['--fresh', '--forever', '--faults', '--rate', '400']));
  await eventsFlowing(run);
  const control = faultControl(context);
  for (const [name, invocations] of Object.entries(faults))
    await control.functionFault(name, effect, invocations);
  const fired = new Map<string, number>();
  const allFired = async () => {
    for (const name of Object.keys(faults)) fired.set(name, (await control.functionFaults(name)).done);
    return Object.entries(faults).every(([name, count]) => (fired.get(name) ?? 0) >= count);
  };
  const deadline = Date.now() + waitMs;
  let firedInTime = await allFired();
  while (!firedInTime && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    firedInTime = await allFired();
  }
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const counts = [...fired].map(([name, done]) => `${name} ${done}/${faults[name]}`).join(', ');
  const outcome = await stopAndJudge(run, context, `${detail} (fired: ${counts})`);
  return firedInTime
    ? outcome
    : { ...outcome, failures: [...outcome.failures, `not every injected ${effect} fired: ${counts}`] };
};

/** Environments that die mid-invocation (after part of the batch's writes), in every stream consumer. */
const handlerCrash: Scenario = {
  name: 'handler-crash',
  fault: 'function environments dying mid-invocation (Runtime.ExitError) in every consumer',
  run: (context) =>
    functionsFailing(
      context,
      'crash',
      { aggregate: 3, archive: 3, fanout: 2 },
      60_000,
      'the next invocations crashed at a random moment',
    ),
};

/** A function that did its writes but returned after its timeout: the batch is retried with its writes landed. */
const functionTimeout: Scenario = {
  name: 'function-timeout',
  fault: 'a function running past its timeout after its writes landed (Sandbox.Timedout)',
  run: (context) =>
    functionsFailing(
      context,
      'timeout',
      { aggregate: 1 },
      150_000,
      'the aggregate ran past its 60 s timeout once',
    ),
};

export const FUNCTION_FAULTS: readonly Scenario[] = [handlerCrash, functionTimeout];
