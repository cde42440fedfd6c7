import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../infra/local/clients.ts';
import { type StackResources, stackResources } from '../../infra/local/stack-resources.ts';
import { type CloudPlan, planFromTemplate, type Template } from '../../infra/local/template.ts';
import { loadAggregateConfig } from '../../processors/aggregate/config.ts';
import { loadAcceptancePolicy } from '../../processors/shared/acceptance-policy.ts';

/** What backfill must know of the live pipeline, read from the functions' own settings. */
export interface LiveSettings {
  /** The larger of the aggregate's and the archive's ALLOWED_LATENESS_SECONDS (they agree when the stack sets both). */
  readonly allowedLatenessMs: number;
  /** The aggregator's ROLLUP_RETENTION_DAYS, in seconds: how it sets `expiresAt`. */
  readonly retentionSeconds: number;
}

/**
 * The settings from the two consumers' environments, read by the functions' own config loaders
 * (their defaults for what an environment leaves out).
 */
export const liveSettingsOf = (
  aggregate: Readonly<Record<string, string>>,
  archive: Readonly<Record<string, string>>,
): LiveSettings => {
  // The loader insists on the names the stack gives the function; only the settings are wanted here.
  const config = loadAggregateConfig({ ROLLUPS_TABLE: 'unused', LAKE_BUCKET: 'unused', ...aggregate });
  return {
    allowedLatenessMs: Math.max(
      config.policy.allowedLatenessMs,
      loadAcceptancePolicy(archive).allowedLatenessMs,
    ),
    retentionSeconds: config.retentionSeconds,
  };
};

/** The local cloud's settings, from the environment its template gives each function. */
export const localLiveSettings = (resources: StackResources): LiveSettings =>
  liveSettingsOf(resources.functions.aggregate.environment, resources.functions.archive.environment);

/** The stack `npm start` synthesized into `<stateDir>/cdk.out`: its plan and its resources, found by its outputs. */
export const savedStack = (stateDir: string): { plan: CloudPlan; resources: StackResources } => {
  const assembly = join(stateDir, 'cdk.out');
  const file = existsSync(assembly)
    ? readdirSync(assembly).find((name) => name.endsWith('.template.json'))
    : undefined;
  if (!file) {
    throw new Error(`${assembly} holds no synthesized template: run npm start first, or pass --state-dir`);
  }
  const template = JSON.parse(readFileSync(join(assembly, file), 'utf8')) as Template;
  const stackName = file.slice(0, -'.template.json'.length);
  const plan = planFromTemplate(template, {
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    stackName: 'streamlake',
  });
  return { plan, resources: stackResources(template, plan, stackName) };
};

/**
 * The resources of the stack `npm start` synthesized into `<stateDir>/cdk.out` (its functions, their
 * environment, their mappings), found by the stack's outputs as the local cloud finds them.
 */
export const savedStackResources = (stateDir: string): StackResources => savedStack(stateDir).resources;
