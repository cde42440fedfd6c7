import type { ApiKeyPlan, RestApiPlan, UsagePlanPlan } from './api-plan.ts';

/**
 * The usage plan and key a request's `x-api-key` value stands for on a stage: an enabled key of a usage plan
 * that covers the stage. Undefined (API Gateway answers 403 Forbidden) for a missing, unknown or disabled key,
 * or one whose plans do not cover the stage.
 */
export const usageFor = (
  api: RestApiPlan,
  stageName: string,
  value: string | undefined,
): { readonly plan: UsagePlanPlan; readonly key: ApiKeyPlan } | undefined => {
  if (!value) return undefined;
  for (const plan of api.usagePlans) {
    if (!(stageName in plan.stages)) continue;
    const key = plan.keys.find((k) => k.enabled && k.value === value);
    if (key) return { plan, key };
  }
  return undefined;
};
