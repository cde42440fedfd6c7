import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** Every key under a prefix (paginated), with its size. */
export const listKeys = async (s3: S3Client, Bucket: string, Prefix: string) => {
  const keys: { key: string; size: number }[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
    for (const object of page.Contents ?? []) keys.push({ key: object.Key ?? '', size: object.Size ?? 0 });
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys;
};

export const readObject = async (s3: S3Client, Bucket: string, Key: string): Promise<string> => {
  const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return (await object.Body?.transformToString()) ?? '';
};
