import { type App, Stack } from 'aws-cdk-lib';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { WebCollector } from '../../../infra/constructs/web-collector.ts';

/** The page origin the test collector allows. */
export const SHOP_ORIGIN = 'http://127.0.0.1:5173';

/** The collector construct alone, on a stream of its own: the real web edge without the pipeline's functions. */
export class CollectorApiStack extends Stack {
  readonly collector: WebCollector;

  constructor(scope: App, id: string) {
    super(scope, id);
    const events = new Stream(this, 'Events', { shardCount: 1 });
    this.collector = new WebCollector(this, 'Collector', { events, allowedOrigins: [SHOP_ORIGIN] });
  }
}
