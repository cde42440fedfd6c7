import type { MetricStore } from '../metrics/metric-store.ts';

export const FIREHOSE_NAMESPACE = 'AWS/Firehose';

/** One object written to the destination. */
export interface DeliveredObject {
  readonly deliveryStream: string;
  readonly key: string;
  readonly records: number;
  /** Record bytes and delimiters, before compression. */
  readonly rawBytes: number;
  /** What the object holds, compressed. */
  readonly objectBytes: number;
}

/** What a delivery stream reports as it runs. */
export interface DeliveryObserver {
  /** Records (and their data bytes) one GetRecords returned. */
  read(deliveryStream: string, records: number, bytes: number): void;
  delivered(object: DeliveredObject): void;
  /** A PutObject failed; the object is written again (as Firehose retries S3 for up to 24 hours). */
  failed(deliveryStream: string): void;
  /** The age of the oldest record read and not yet delivered (0 when none waits). */
  freshness(deliveryStream: string, seconds: number): void;
}

/** A delivery stream's totals since the local cloud started. */
export interface DeliveryFigures {
  records: number;
  objects: number;
  /** Record bytes and delimiters, before compression. */
  bytes: number;
  /** Bytes stored (compressed). */
  objectBytes: number;
  /** PutObject calls that failed and were retried. */
  failedPuts: number;
}

const zero = (): DeliveryFigures => ({ records: 0, objects: 0, bytes: 0, objectBytes: 0, failedPuts: 0 });

/** What the raw zone received from each delivery stream, for `npm start`'s summary and the tests. */
export class FirehoseFigures {
  private readonly byStream = new Map<string, DeliveryFigures>();

  /** The figures of one delivery stream (by name); zeros before its first object. */
  of(deliveryStream: string): Readonly<DeliveryFigures> {
    return { ...(this.byStream.get(deliveryStream) ?? zero()) };
  }

  /** Every delivery stream's figures added up. */
  get total(): Readonly<DeliveryFigures> {
    const total = zero();
    for (const figures of this.byStream.values()) {
      for (const key of Object.keys(total) as (keyof DeliveryFigures)[]) total[key] += figures[key];
    }
    return total;
  }

  /** Told of every object and failure, as the metrics are. */
  readonly observer = (next?: DeliveryObserver): DeliveryObserver => ({
    read: (name, records, bytes) => next?.read(name, records, bytes),
    delivered: (object) => {
      const figures = this.figuresOf(object.deliveryStream);
      figures.records += object.records;
      figures.objects++;
      figures.bytes += object.rawBytes;
      figures.objectBytes += object.objectBytes;
      next?.delivered(object);
    },
    failed: (name) => {
      this.figuresOf(name).failedPuts++;
      next?.failed(name);
    },
    freshness: (name, seconds) => next?.freshness(name, seconds),
  });

  private figuresOf(deliveryStream: string): DeliveryFigures {
    let figures = this.byStream.get(deliveryStream);
    if (!figures) {
      figures = zero();
      this.byStream.set(deliveryStream, figures);
    }
    return figures;
  }
}

/**
 * The AWS/Firehose metrics of a delivery stream, dimension `DeliveryStreamName`: DeliveryToS3.Records, .Bytes
 * (before compression) and .Success (1 a written object, 0 a failed PutObject: its average is the success
 * ratio), DeliveryToS3.DataFreshness (seconds) and DataReadFromKinesisStream.Records and .Bytes.
 */
export const firehoseMetrics = (store: MetricStore): DeliveryObserver => {
  const put = (deliveryStream: string, name: string, value: number) =>
    store.put(
      { namespace: FIREHOSE_NAMESPACE, name, dimensions: { DeliveryStreamName: deliveryStream } },
      value,
    );
  return {
    read: (name, records, bytes) => {
      put(name, 'DataReadFromKinesisStream.Records', records);
      put(name, 'DataReadFromKinesisStream.Bytes', bytes);
    },
    delivered: (object) => {
      put(object.deliveryStream, 'DeliveryToS3.Success', 1);
      put(object.deliveryStream, 'DeliveryToS3.Records', object.records);
      put(object.deliveryStream, 'DeliveryToS3.Bytes', object.rawBytes);
    },
    failed: (name) => put(name, 'DeliveryToS3.Success', 0),
    freshness: (name, seconds) => put(name, 'DeliveryToS3.DataFreshness', seconds),
  };
};
