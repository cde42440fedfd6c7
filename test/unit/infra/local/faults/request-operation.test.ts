import { describe, expect, it } from 'vitest';
import { operationOf } from '../../../../../infra/local/faults/request-operation.ts';

describe('operationOf', () => {
  it('reads Kinesis and DynamoDB operations from the X-Amz-Target action', () => {
    expect(
      operationOf('kinesis', { method: 'POST', headers: { 'x-amz-target': 'Kinesis_20131202.PutRecords' } }),
    ).toBe('PutRecords');
    expect(
      operationOf('dynamodb', {
        method: 'POST',
        headers: { 'x-amz-target': 'DynamoDB_20120810.TransactWriteItems' },
      }),
    ).toBe('TransactWriteItems');
  });

  it('reads S3 operations as the HTTP method and SNS ones from the Action form field', () => {
    expect(operationOf('s3', { method: 'put', headers: {} })).toBe('PUT');
    expect(
      operationOf('sns', { method: 'POST', headers: {}, body: 'Action=Publish&Version=2010-03-31' }),
    ).toBe('Publish');
  });

  it('is empty when the request does not say', () => {
    expect(operationOf('kinesis', { method: 'POST', headers: {} })).toBe('');
    expect(operationOf('sns', { method: 'POST', headers: {} })).toBe('');
  });
});
