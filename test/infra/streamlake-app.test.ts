import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createStreamlakeApp } from '../../infra/streamlake-app.ts';
import { streamlakeApp } from './stacks.ts';

describe('the Streamlake app, synthesized with bundling as `cdk synth` does', () => {
  let synthesized: ReturnType<typeof createStreamlakeApp>;
  let template: Template;
  let outdir: string;

  // One bundled synth for the file: esbuild makes it the slowest step of these tests.
  beforeAll(() => {
    synthesized = streamlakeApp({}, { bundle: true });
    template = Template.fromStack(synthesized.stack);
    outdir = synthesized.app.outdir;
  });

  it('passes the cdk-nag AwsSolutions checks with every finding acknowledged', () => {
    const report = new AwsSolutionsChecks(synthesized.app).validateScope(synthesized.app);

    expect(report.violations).toEqual([]);
  });

  it('leaves no AwsSolutions errors or warnings as annotations', () => {
    const annotations = Annotations.fromStack(synthesized.stack);

    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  /** The project's own handlers: the functions that name their source entry. */
  const handlers = () =>
    Object.values(
      template.findResources('AWS::Lambda::Function', { Metadata: { 'streamlake:entry': Match.anyValue() } }),
    );

  it('marks each function with the path of its bundled code asset', () => {
    const functions = handlers();

    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      const assetPath: string = fn.Metadata['aws:asset:path'];
      expect(assetPath).toMatch(/^asset\./);
      expect(existsSync(join(outdir, assetPath, 'index.mjs'))).toBe(true);
    }
  });

  it('bundles the handler as minified ESM with a require shim and a source map', () => {
    const fn = handlers()[0];
    const bundle = join(outdir, fn?.Metadata['aws:asset:path'], 'index.mjs');

    const code = readFileSync(bundle, 'utf8');

    expect(
      code.startsWith("import { createRequire } from 'node:module'; const require = createRequire("),
    ).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
  });

  it('ships the parquet-wasm module beside the archive bundle, where the ESM bundle finds it', () => {
    const archive = template.findResources('AWS::Lambda::Function', {
      Metadata: { 'streamlake:entry': 'processors/archive/handler.ts' },
    });
    const assetDir = join(outdir, Object.values(archive)[0]?.Metadata['aws:asset:path']);

    expect(existsSync(join(assetDir, 'parquet_wasm_bg.wasm'))).toBe(true);
    expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8')).toContain(
      'const __dirname = import.meta.dirname;',
    );
  });
});

describe('cdk-nag in the Streamlake app', () => {
  it('fails synthesis on an unacknowledged finding', () => {
    const { app, stack } = streamlakeApp();
    new Bucket(stack, 'Unlogged', { enforceSSL: true });

    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('is skipped when context streamlake:nag is false', () => {
    const { app, stack } = streamlakeApp({ 'streamlake:nag': false });
    new Bucket(stack, 'Unlogged', { enforceSSL: true });

    expect(() => app.synth()).not.toThrow();
  });
});
