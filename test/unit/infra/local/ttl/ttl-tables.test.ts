import { describe, expect, it } from 'vitest';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../../infra/local/template.ts';
import { ttlTables } from '../../../../../infra/local/ttl/ttl-tables.ts';

const account: LocalAccount = { region: 'eu-west-1', accountId: '000000000000', stackName: 'streamlake-dev' };
const KEYS = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
];
const table = (properties: Record<string, unknown>) => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: { KeySchema: KEYS, BillingMode: 'PAY_PER_REQUEST', ...properties },
});

describe('the tables the local TTL sweeper deletes from', () => {
  it('are those whose TimeToLiveSpecification the synthesized template enables, with their keys and TTL attribute', () => {
    // Prepare: what `timeToLiveAttribute: 'expiresAt'` synthesizes, a table without it, and one with TTL off.
    const template: Template = {
      Resources: {
        Duplicates: table({ TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }),
        Devices: table({
          KeySchema: [{ AttributeName: 'deviceId', KeyType: 'HASH' }],
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        }),
        Plain: table({}),
        Disabled: table({ TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: false } }),
      },
    };

    // Act
    const tables = ttlTables(planFromTemplate(template, account));

    // Assess
    expect(tables).toEqual([
      { tableName: 'streamlake-dev-Duplicates', attributeName: 'expiresAt', keyNames: ['pk', 'sk'] },
      { tableName: 'streamlake-dev-Devices', attributeName: 'ttl', keyNames: ['deviceId'] },
    ]);
  });
});
