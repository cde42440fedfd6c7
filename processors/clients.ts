import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one client per service of a processor process. On AWS they use the defaults; the local
 * cloud sets AWS_ENDPOINT_URL_<SERVICE> (read natively by SDK v3), and S3 endpoints other than
 * AWS need path-style addressing and no streaming checksums.
 */
const s3Endpoint = process.env.AWS_ENDPOINT_URL_S3;

export const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5 }), {
  marshallOptions: { removeUndefinedValues: true },
});

export const s3 = new S3Client(
  s3Endpoint
    ? {
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }
    : {},
);

export const sns = new SNSClient({ maxAttempts: 5 });
