import {
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';

/**
 * An in-memory S3 behind an S3Client: PutObject, which is all the processors write, and ListObjectsV2 by
 * prefix (the archive looks up files an intent announced). `beforePut` runs first for every object: throw to
 * fail the write, or note when it was sent.
 */
export class FakeS3 {
  /** Bodies by `<bucket>/<key>`. */
  readonly objects = new Map<string, PutObjectCommandInput['Body']>();
  readonly sent: PutObjectCommandInput[] = [];
  /** The prefixes listed, in order. */
  readonly listed: string[] = [];
  readonly client: S3Client;

  constructor(beforePut?: (input: PutObjectCommandInput) => void) {
    this.client = {
      send: async (command: unknown) => {
        if (command instanceof ListObjectsV2Command) return this.list(command);
        if (!(command instanceof PutObjectCommand)) {
          throw new Error('the fake S3 handles PutObject and ListObjectsV2 only');
        }
        this.sent.push(command.input);
        beforePut?.(command.input);
        this.objects.set(`${command.input.Bucket}/${command.input.Key}`, command.input.Body);
        return {};
      },
    } as unknown as S3Client;
  }

  private list(command: ListObjectsV2Command) {
    const { Bucket, Prefix = '', MaxKeys = 1000 } = command.input;
    this.listed.push(Prefix);
    const keys = [...this.objects.keys()]
      .filter((id) => id.startsWith(`${Bucket}/${Prefix}`))
      .map((id) => id.slice(`${Bucket}/`.length))
      .sort()
      .slice(0, MaxKeys);
    return { Contents: keys.map((Key) => ({ Key })), KeyCount: keys.length };
  }

  /** The keys written, in the order they were sent. */
  keys(): string[] {
    return this.sent.map((input) => String(input.Key));
  }
}
