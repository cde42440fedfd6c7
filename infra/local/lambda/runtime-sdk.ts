import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Node.js Lambda runtime provides the AWS SDK v3, so bundles leave `@aws-sdk/*` out. The local
 * runtime provides the same — and only that — by linking the project's copy next to the assets.
 */
export const provideRuntimeSdk = (assemblyDir: string): void => {
  const sdk = dirname(
    dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb/package.json')),
  );
  const link = join(assemblyDir, 'node_modules', '@aws-sdk');
  if (existsSync(link)) return;
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(sdk, link, 'dir');
};
