import { describe, expect, it } from 'vitest';
import { COST_COMMAND, ratesOf } from '../../../../commands/cost/cost-options.ts';

const given = (texts: Record<string, string>) => ({
  positionals: [],
  text: (name: string) => texts[name],
  flag: () => false,
});

describe('npm run cost options', () => {
  it('prices 100, 1,000 and 10,000 events/s unless told', () => {
    expect(ratesOf(undefined)).toEqual([100, 1000, 10_000]);
    expect(ratesOf('250, 5000')).toEqual([250, 5000]);
  });

  it('refuses a rate that is not a positive number, naming it', () => {
    expect(() => ratesOf('100,zero')).toThrow(
      '--rate must be events per second above 0, comma-separated, e.g. 100,1000 (given "zero")',
    );
    expect(() => ratesOf('0')).toThrow('(given "0")');
  });

  it('prices the tables as deployed (on demand) unless told provisioned, refusing anything else by name', () => {
    expect(COST_COMMAND.read(given({})).tables).toBe('on-demand');
    expect(COST_COMMAND.read(given({ tables: 'provisioned' })).tables).toBe('provisioned');
    expect(() => COST_COMMAND.read(given({ tables: 'reserved' }))).toThrow(
      '--tables must be on-demand or provisioned (given "reserved")',
    );
  });

  it("runs on the stack's 2 shards unless told, 1 to 16", () => {
    expect(COST_COMMAND.read(given({})).shards).toBe(2);
    expect(COST_COMMAND.read(given({ shards: '1' })).shards).toBe(1);
    expect(() => COST_COMMAND.read(given({ shards: '0' }))).toThrow('--shards');
    expect(() => COST_COMMAND.read(given({ shards: '1.5' }))).toThrow('--shards');
  });
});
