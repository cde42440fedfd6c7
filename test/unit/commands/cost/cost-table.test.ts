import { describe, expect, it } from 'vitest';
import { summarize } from '../../../../commands/cost/cost-summary.ts';
import { verdictText } from '../../../../commands/cost/cost-table.ts';
import { costModel } from '../../../../commands/cost/model.ts';
import { PRICES } from '../../../../commands/cost/prices.ts';
import { AWS_STACK_SETTINGS } from '../../../../commands/cost/stack-settings.ts';
import { measuredRun } from './measured-factory.ts';

const dollars = (text: string, after: string) => Number(text.split(after)[1]?.match(/\$([\d.]+)/)?.[1]);

describe('the verdict at 1,000 events/s', () => {
  it('states the goals for the stack as priced, then as the other table capacity mode would price them', () => {
    // Prepare
    const measured = measuredRun();
    const onDemand = costModel(measured, PRICES, { ...AWS_STACK_SETTINGS, dynamoMode: 'on-demand' }, 1000);
    const provisioned = costModel(
      measured,
      PRICES,
      { ...AWS_STACK_SETTINGS, dynamoMode: 'provisioned' },
      1000,
    );
    // Act
    const text = verdictText([onDemand], measured, PRICES);
    // Assess
    const line = text.split('\n').find((l) => l.includes('with tables provisioned')) ?? '';
    expect(line).toContain('-c streamlake:tablesOnDemand=false');
    expect(dollars(line, 'core')).toBeCloseTo(summarize(provisioned).perMillion.core, 4);
    expect(dollars(line, 'all-in web')).toBeCloseTo(summarize(provisioned).allInWeb, 4);
    expect(verdictText([provisioned], measured, PRICES)).toContain('with tables on demand: core');
  });
});
