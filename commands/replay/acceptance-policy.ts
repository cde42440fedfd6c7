import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputResourceId, ROLE_OUTPUTS } from '../../infra/local/stack-resources.ts';
import type { Template } from '../../infra/local/template.ts';
import { loadAggregateConfig } from '../../processors/aggregate/config.ts';
import type { AcceptancePolicy } from '../../processors/shared/classify.ts';

/** The aggregate function's environment in the template `npm start` synthesized, if there is one. */
const aggregateEnvironment = (stateDir: string): Record<string, string> | undefined => {
  const assembly = join(stateDir, 'cdk.out');
  if (!existsSync(assembly)) return undefined;
  const file = readdirSync(assembly).find((name) => name.endsWith('.template.json'));
  if (!file) return undefined;
  const template = JSON.parse(readFileSync(join(assembly, file), 'utf8')) as Template;
  const stackName = file.slice(0, -'.template.json'.length);
  const fn = template.Resources[outputResourceId(template, stackName, ROLE_OUTPUTS.aggregateFunction)];
  const environment = fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
  const variables = environment?.Variables ?? {};
  return Object.fromEntries(
    Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
};

/**
 * The aggregate function's acceptance policy, read by the function's own config loader from the
 * environment the deployed template gives it (its defaults when `npm start` left no template).
 */
export const aggregatePolicy = (stateDir: string): { policy: AcceptancePolicy; source: string } => {
  const environment = aggregateEnvironment(stateDir);
  // Only the policy is wanted; the loader also insists on the names the template gives the function.
  const { policy } = loadAggregateConfig({ ROLLUPS_TABLE: 'unused', LAKE_BUCKET: 'unused', ...environment });
  return {
    policy,
    source: environment
      ? `the aggregate function's environment in ${stateDir}/cdk.out`
      : "the aggregate function's defaults",
  };
};
