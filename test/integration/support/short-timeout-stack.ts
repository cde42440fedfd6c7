import type { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { StreamlakeStack } from '../../../infra/streamlake-stack.ts';

/** The aggregate function's timeout in the stack below: long enough for a test batch, short to wait out. */
export const SHORT_AGGREGATE_TIMEOUT_SECONDS = 4;

/**
 * The Streamlake stack with the aggregate function's timeout cut from a minute to a few seconds, so a test
 * can run an invocation past it (an injected timeout) without waiting a minute.
 */
export class ShortTimeoutStack extends StreamlakeStack {
  constructor(scope: App, id: string) {
    super(scope, id);
    (this.aggregate.function.node.defaultChild as CfnFunction).timeout = SHORT_AGGREGATE_TIMEOUT_SECONDS;
  }
}
