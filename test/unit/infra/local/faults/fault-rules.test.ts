import { describe, expect, it } from 'vitest';
import { FaultRules } from '../../../../../infra/local/faults/fault-rules.ts';

/** A rule store on a clock the test moves and a die it loads. */
const rulesAt = (rolls: number[] = []) => {
  const clock = { now: 1_000_000 };
  let roll = 0;
  const rules = new FaultRules({ now: () => clock.now, random: () => rolls[roll++ % rolls.length] ?? 0 });
  return { rules, clock };
};

describe('FaultRules', () => {
  it('answers the operations a rule names for its service, and passes the rest', () => {
    // Prepare
    const { rules } = rulesAt();
    const id = rules.add({ service: 'kinesis', operations: ['PutRecords'], effect: 'throttle' });

    // Act
    const put = rules.matches('kinesis', 'PutRecords');
    const get = rules.matches('kinesis', 'GetRecords');
    const otherService = rules.matches('dynamodb', 'PutRecords');

    // Assess
    expect(put).toMatchObject({ id, effect: 'throttle', answered: 1, active: true });
    expect(get).toBeUndefined();
    expect(otherService).toBeUndefined();
  });

  it('without operations answers every operation of the service', () => {
    // Prepare
    const { rules } = rulesAt();
    rules.add({ service: 's3', effect: 'unavailable' });

    // Act
    const answered = ['PUT', 'GET', 'HEAD'].map((method) => rules.matches('s3', method)?.effect);

    // Assess
    expect(answered).toEqual(['unavailable', 'unavailable', 'unavailable']);
  });

  it('answers the share of requests whose roll falls below it, and counts only those', () => {
    // Prepare: rolls alternate below and above one half.
    const { rules } = rulesAt([0.1, 0.9]);
    const id = rules.add({ service: 'dynamodb', operations: ['UpdateItem'], effect: 'throttle', share: 0.5 });

    // Act
    const answered = Array.from({ length: 10 }, () => rules.matches('dynamodb', 'UpdateItem')).filter(
      Boolean,
    );

    // Assess
    expect(answered).toHaveLength(5);
    expect(rules.list()).toEqual([expect.objectContaining({ id, answered: 5, share: 0.5 })]);
  });

  it('stops answering once its seconds have passed, and still lists how often it answered', () => {
    // Prepare
    const { rules, clock } = rulesAt();
    rules.add({ service: 'kinesis', effect: 'throttle', seconds: 2 });
    rules.matches('kinesis', 'PutRecords');

    // Act
    clock.now += 2_000;
    const after = rules.matches('kinesis', 'PutRecords');

    // Assess
    expect(after).toBeUndefined();
    expect(rules.list()).toEqual([expect.objectContaining({ answered: 1, active: false, seconds: 2 })]);
  });

  it('the first matching rule answers; clear removes every rule', () => {
    // Prepare
    const { rules } = rulesAt();
    const first = rules.add({ service: 'sns', operations: ['Publish'], effect: 'unavailable' });
    rules.add({ service: 'sns', effect: 'throttle' });

    // Act
    const publish = rules.matches('sns', 'Publish');
    rules.clear();

    // Assess
    expect(publish?.id).toBe(first);
    expect(rules.list()).toEqual([]);
    expect(rules.matches('sns', 'Publish')).toBeUndefined();
  });

  it.each([
    [
      { service: 'lambda', effect: 'throttle' },
      /service must be one of kinesis, dynamodb, s3, sns \(given "lambda"\)/,
    ],
    [{ service: 'kinesis', effect: 'slow' }, /effect must be one of throttle, unavailable \(given "slow"\)/],
    [
      { service: 'kinesis', effect: 'throttle', share: 1.5 },
      /share must be a number from 0 to 1 \(given 1.5\)/,
    ],
    [{ service: 'kinesis', effect: 'throttle', share: '1' }, /share must be .* \(given "1"\)/],
    [{ service: 'kinesis', effect: 'throttle', seconds: 0 }, /seconds must be a number above 0 \(given 0\)/],
    [
      { service: 'kinesis', effect: 'throttle', seconds: -3 },
      /seconds must be a number above 0 \(given -3\)/,
    ],
    [
      { service: 'kinesis', effect: 'throttle', operations: [] },
      /operations must be a non-empty list .* \(given \[\]\)/,
    ],
    [{ service: 'kinesis', effect: 'throttle', operation: 'PutRecords' }, /unknown field operation/],
    [['kinesis'], /a fault rule is a JSON object/],
    [null, /a fault rule is a JSON object .*\(given null\)/],
  ])('refuses %j, naming the bad value', (body, message) => {
    // Prepare
    const { rules } = rulesAt();

    // Act / Assess
    expect(() => rules.add(body)).toThrow(message);
    expect(rules.list()).toEqual([]);
  });
});
