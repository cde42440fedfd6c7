import { readFileSync, writeFileSync } from 'node:fs';
import { errorMessage } from '../../processors/shared/errors.ts';
import { runWithOptions } from '../shared/command-line.ts';
import { COST_COMMAND, type CostOptions } from './cost-options.ts';
import { costTable, measuredText, verdictText } from './cost-table.ts';
import { countingRun } from './counting-run.ts';
import { type Measured, measuredOf, type SavedMeasured } from './measured.ts';
import { costModel } from './model.ts';
import { PRICES } from './prices.ts';
import { AWS_STACK_SETTINGS } from './stack-settings.ts';

// The AWS SDK warns once per process about Node 20; the output is the cost table, not that.
process.removeAllListeners('warning');

const measure = async (options: CostOptions): Promise<Measured> => {
  if (options.from) return measuredOf(JSON.parse(readFileSync(options.from, 'utf8')) as SavedMeasured);
  console.error(
    `streamlake cost: running the local pipeline at ${options.runRate} events/s for ${options.durationSeconds}s on ${options.shards} shard(s), counting at the front doors …`,
  );
  return countingRun({
    rate: options.runRate,
    durationSeconds: options.durationSeconds,
    devices: options.devices,
    shards: options.shards,
    onProgress: (producer) =>
      process.stderr.write(`\r  sent ${producer.sent.toLocaleString('en-US')} events`),
  });
};

const cost = async (options: CostOptions): Promise<number> => {
  const measured = await measure(options);
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (options.save) writeFileSync(options.save, `${JSON.stringify(measured, null, 1)}\n`);
  const settings = { ...AWS_STACK_SETTINGS, dynamoMode: options.tables };
  const models = options.rates.map((rate) => costModel(measured, PRICES, settings, rate));
  console.log(measuredText(measured));
  console.log('');
  console.log(costTable(models));
  console.log('');
  console.log(verdictText(models, measured, PRICES));
  return 0;
};

runWithOptions(COST_COMMAND, process.argv.slice(2), cost).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    console.error(`streamlake cost: ${errorMessage(error)}`);
    process.exit(1);
  },
);
