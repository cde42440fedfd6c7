import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { ASSET_RESOURCE_METADATA_ENABLED_CONTEXT } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_SETTINGS, settingsFromContext } from './context.ts';
import { REPO_ROOT } from './defaults.ts';
import { StreamlakeStack } from './streamlake-stack.ts';

export interface StreamlakeAppOptions {
  /** Where the cloud assembly goes. @default - the CLI's choice, else a temporary directory */
  readonly outdir?: string;
  /** Context on top of cdk.json's (CLI `-c` values still win). @default - none */
  readonly context?: Record<string, unknown>;
  /** The stack class; tests give a variant of it (e.g. with decoy resources). @default StreamlakeStack */
  readonly stack?: new (
    scope: App,
    id: string,
  ) => StreamlakeStack;
}

/**
 * The CDK app with the one Streamlake stack, for `cdk synth` (infra/app.ts), the tests and the local cloud.
 *
 * In-process callers get the same context as the CLI would give: cdk.json's feature flags, plus asset
 * metadata so each function carries `aws:asset:path` (the bundled code) in the template.
 */
export function createStreamlakeApp(options: StreamlakeAppOptions = {}): {
  app: App;
  stack: StreamlakeStack;
} {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...cdkJsonContext(),
      [ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true,
      ...options.context,
    },
  });
  const stack = new (options.stack ?? StreamlakeStack)(app, 'Streamlake');
  if (settingsFromContext(app.node, CONTEXT_SETTINGS.app).nag !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return { app, stack };
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}
