import { randomUUID } from 'node:crypto';
import type { FaultEffect, FaultService } from './fault-rules.ts';

/** An HTTP answer a fault gives in a service's stead. */
export interface ServiceErrorResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Kinesis (JSON 1.1) and DynamoDB (JSON 1.0): the error's name in `__type`, as the SDK reads it. */
const jsonError = (
  contentType: string,
  statusCode: number,
  type: string,
  message: string,
): ServiceErrorResponse => {
  const requestId = randomUUID();
  return {
    statusCode,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: type, message }),
  };
};

/** S3's REST-XML error document. */
const s3Error = (statusCode: number, code: string, message: string): ServiceErrorResponse => {
  const requestId = randomUUID();
  return {
    statusCode,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>local-fault</HostId></Error>`,
  };
};

/** SNS's query-protocol error document. */
const snsError = (statusCode: number, type: 'Sender' | 'Receiver', code: string, message: string) => {
  const requestId = randomUUID();
  return {
    statusCode,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
};

const KINESIS_JSON = 'application/x-amz-json-1.1';
const DYNAMODB_JSON = 'application/x-amz-json-1.0';

/**
 * The error each effect gives in each service's own protocol, as AWS sends it and the SDK parses it: the
 * throttles carry the names the SDK's retry counts as throttling (ProvisionedThroughputExceededException,
 * ThrottlingException, SlowDown, Throttling), the 503s are retried as transient.
 */
const ERRORS: Record<FaultService, Record<FaultEffect, () => ServiceErrorResponse>> = {
  kinesis: {
    throttle: () =>
      jsonError(
        KINESIS_JSON,
        400,
        'ProvisionedThroughputExceededException',
        'Rate exceeded for shard in stream under account 000000000000 (injected fault).',
      ),
    unavailable: () =>
      jsonError(KINESIS_JSON, 503, 'ServiceUnavailable', 'Kinesis is unavailable (injected fault).'),
  },
  dynamodb: {
    throttle: () =>
      jsonError(
        DYNAMODB_JSON,
        400,
        'com.amazonaws.dynamodb.v20120810#ThrottlingException',
        'Throughput exceeds the current capacity of your table or index; try again shortly (injected fault).',
      ),
    unavailable: () =>
      jsonError(
        DYNAMODB_JSON,
        503,
        'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
        'DynamoDB is currently unavailable (injected fault).',
      ),
  },
  s3: {
    throttle: () => s3Error(503, 'SlowDown', 'Please reduce your request rate (injected fault).'),
    unavailable: () =>
      s3Error(503, 'ServiceUnavailable', 'Service is unable to handle request (injected fault).'),
  },
  sns: {
    throttle: () => snsError(400, 'Sender', 'Throttling', 'Rate exceeded (injected fault).'),
    unavailable: () =>
      snsError(503, 'Receiver', 'ServiceUnavailable', 'SNS is unavailable (injected fault).'),
  },
};

/** The response `effect` gives in place of `service`. */
export const serviceError = (service: FaultService, effect: FaultEffect): ServiceErrorResponse =>
  ERRORS[service][effect]();
