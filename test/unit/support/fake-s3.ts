import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';

/**
 * An in-memory S3 behind an S3Client: PutObject only, which is all the processors write. `beforePut` runs
 * first for every object: throw to fail the write, or note when it was sent.
 */
export class FakeS3 {
  /** Bodies by `<bucket>/<key>`. */
  readonly objects = new Map<string, PutObjectCommandInput['Body']>();
  readonly sent: PutObjectCommandInput[] = [];
  readonly client: S3Client;

  constructor(beforePut?: (input: PutObjectCommandInput) => void) {
    this.client = {
      send: async (command: unknown) => {
        if (!(command instanceof PutObjectCommand)) throw new Error('the fake S3 handles PutObject only');
        this.sent.push(command.input);
        beforePut?.(command.input);
        this.objects.set(`${command.input.Bucket}/${command.input.Key}`, command.input.Body);
        return {};
      },
    } as unknown as S3Client;
  }

  /** The keys written, in the order they were sent. */
  keys(): string[] {
    return this.sent.map((input) => String(input.Key));
  }
}
