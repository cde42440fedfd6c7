import { S3Client } from '@aws-sdk/client-s3';

/**
 * The process's one S3 client. S3 endpoints other than AWS (AWS_ENDPOINT_URL_S3, set by the local cloud)
 * need path-style addressing and no streaming checksums.
 */
export const s3 = new S3Client(
  process.env.AWS_ENDPOINT_URL_S3
    ? {
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }
    : {},
);
