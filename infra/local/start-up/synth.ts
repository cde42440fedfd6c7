import { createStreamlakeApp, type StreamlakeAppOptions } from '../../streamlake-app.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../clients.ts';
import { type LocalOpsView, localOpsView } from '../dashboard/local-ops-view.ts';
import type { IotPolicyPlan } from '../iot/iot-policy.ts';
import { provideRuntimeSdk } from '../lambda/runtime-sdk.ts';
import { type SchedulePlan, schedulesFromTemplate } from '../schedules.ts';
import { type StackResources, stackResources } from '../stack-resources.ts';
import { type CloudPlan, planFromTemplate, type Template } from '../template.ts';
import { devicePolicyOf } from '../template-iot-policies.ts';

export interface SynthOptions {
  /** CDK context for the synth, e.g. a shorter batching window for a demo. */
  readonly context?: Record<string, unknown>;
  /** The stack class to synthesize; tests give a variant of it. @default StreamlakeStack */
  readonly stack?: StreamlakeAppOptions['stack'];
}

/** What the local cloud learns from the synthesized stack, with local physical names. */
export interface SynthesizedCloud {
  readonly plan: CloudPlan;
  /** The resource of each role (the event stream, the rollups table, …), as the stack's outputs name it. */
  readonly resources: StackResources;
  readonly schedules: SchedulePlan[];
  /** The stack's ops dashboard and alarms, with this cloud's physical names. */
  readonly opsView: LocalOpsView;
  /** The IoT policy the stack's DevicePolicyName names: every local device certificate gets it; none, no broker. */
  readonly devicePolicy?: IotPolicyPlan;
}

/**
 * Synthesizes the stack into `assemblyDir` and reads what to create and run from its template; the
 * assembly's functions are then ready for the local runtime.
 */
export const synthesizeCloud = (assemblyDir: string, options: SynthOptions): SynthesizedCloud => {
  const { app, stack } = createStreamlakeApp({
    outdir: assemblyDir,
    context: { 'streamlake:nag': false, ...options.context },
    ...(options.stack ? { stack: options.stack } : {}),
  });
  const template = app.synth().getStackByName(stack.stackName).template as Template;
  const plan = planFromTemplate(template, {
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    stackName: 'streamlake',
  });
  const synthesized = {
    plan,
    resources: stackResources(template, plan, stack.stackName),
    schedules: schedulesFromTemplate(template, LOCAL_REGION, LOCAL_ACCOUNT_ID),
    opsView: localOpsView(stack, plan),
    devicePolicy: devicePolicyOf(template, plan, stack.stackName),
  };
  provideRuntimeSdk(assemblyDir);
  return synthesized;
};
