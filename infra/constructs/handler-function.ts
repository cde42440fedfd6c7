import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../defaults.ts';

/** The handler is bundled as ESM; some dependencies still call `require`, which ESM does not define. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** CommonJS code that reads files beside itself (`${__dirname}/x.wasm`) finds them beside the bundle. */
const ESM_DIRNAME_BANNER = 'const __dirname = import.meta.dirname;';

export interface HandlerFunctionProps {
  /** The handler's TypeScript entry, relative to the repository root. */
  readonly entry: string;
  /** The exported handler function. */
  readonly handler: string;
  /** Memory in MB. */
  readonly memorySize: number;
  /** Longest invocation. */
  readonly timeout: Duration;
  /** Environment variables; NODE_OPTIONS is added. */
  readonly environment: Record<string, string>;
  /**
   * Package files (as `require.resolve` names them, e.g. `parquet-wasm/node/parquet_wasm_bg.wasm`) that a
   * bundled dependency loads at run time from its own directory; they are copied beside the bundle.
   *
   * @default - none
   */
  readonly filesBesideBundle?: readonly string[];
}

/**
 * A pipeline handler as every stage deploys it: Node 22 on arm64, bundled by esbuild as minified ESM with a
 * source map, its TypeScript entry named in the `streamlake:entry` metadata for the local cloud.
 */
export class HandlerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const resolveFile = createRequire(join(REPO_ROOT, 'package.json')).resolve;
    const files = (props.filesBesideBundle ?? []).map((file) => relative(REPO_ROOT, resolveFile(file)));
    super(scope, id, {
      entry: join(REPO_ROOT, props.entry),
      handler: props.handler,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: {
        ...props.environment,
        // The bundle ships its source map; stack traces then point at the TypeScript.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: files.length > 0 ? `${ESM_REQUIRE_BANNER} ${ESM_DIRNAME_BANNER}` : ESM_REQUIRE_BANNER,
        target: 'node22',
        minify: true,
        sourceMap: true,
        forceDockerBundling: false,
        ...(files.length > 0 && {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) =>
              files.map((file) => `cp "${join(inputDir, file)}" "${outputDir}"`),
          },
        }),
      },
    });
    // Findings every function of this shape raises, acknowledged here once rather than by each stage.
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'AWSLambdaBasicExecutionRole only lets the function create and write its own CloudWatch Logs ' +
          'streams; it is the AWS-maintained minimum for any Lambda function.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          'Lambda Node 22 is the chosen runtime so code runs unchanged on the Node 20 dev machines and the ' +
          'Node 22 Lambda runtime.',
      },
    );
    // The local cloud runs the TypeScript entry directly and names the handler by this path.
    (this.node.defaultChild as CfnFunction).addMetadata('streamlake:entry', props.entry);
  }
}
