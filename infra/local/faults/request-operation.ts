import type { FaultService } from './fault-rules.ts';

/** What of a request its operation is read from. */
export interface RequestParts {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body, for SNS only: its query protocol names the action there. */
  readonly body?: string;
}

/** SNS is the one service whose operation is in the body; the others are read from the head alone. */
export const operationNeedsBody = (service: FaultService): boolean => service === 'sns';

/**
 * The operation a request calls, as fault rules name it: Kinesis and DynamoDB (JSON protocols) by the
 * `X-Amz-Target` action (`Kinesis_20131202.PutRecords` → `PutRecords`), S3 (REST) by HTTP method, SNS
 * (query protocol) by the `Action` form field. Empty when the request does not say.
 */
export const operationOf = (service: FaultService, request: RequestParts): string => {
  if (service === 's3') return request.method.toUpperCase();
  if (service === 'sns') return new URLSearchParams(request.body ?? '').get('Action') ?? '';
  const target = request.headers['x-amz-target'];
  const value = Array.isArray(target) ? (target[0] ?? '') : (target ?? '');
  return value.slice(value.lastIndexOf('.') + 1);
};
