// What CloudWatch counts of a Kinesis PutRecord/PutRecords call, read off the wire (request and
// response bodies in the AWS JSON 1.1 protocol) by scanning for keys, not parsing: a PutRecords
// body is up to 5 MB and kinesalite parses it already. Plain JavaScript: it runs in kinesalite's worker.

export const PUT_TARGETS = new Set(['Kinesis_20131202.PutRecords', 'Kinesis_20131202.PutRecord']);

const QUOTE = 0x22;
const COLON = 0x3a;
const EQUALS = 0x3d;
const THROTTLED = 'ProvisionedThroughputExceededException';

/** The byte patterns searched for, encoded once. */
const needles = new Map();

const isSpace = (byte) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Where the string value of the next member `"key": "…"` at or after `from` starts and ends (end is
 * the closing quote), or undefined. `"key"` followed by a colon can only be a member name: inside a
 * string value its quotes would be escaped.
 */
export const stringMember = (body, key, from = 0) => {
  let needle = needles.get(key);
  if (!needle) {
    needle = Buffer.from(`"${key}"`, 'latin1');
    needles.set(key, needle);
  }
  for (let at = body.indexOf(needle, from); at !== -1; at = body.indexOf(needle, at + 1)) {
    let i = at + needle.length;
    while (isSpace(body[i])) i++;
    if (body[i] !== COLON) continue;
    i++;
    while (isSpace(body[i])) i++;
    if (body[i] !== QUOTE) continue;
    const end = body.indexOf(QUOTE, i + 1);
    if (end === -1) return undefined;
    return { start: i + 1, end };
  }
  return undefined;
};

/** The stream a request names, by StreamName or by the last part of StreamARN. */
export const streamNameOf = (body) => {
  const name = stringMember(body, 'StreamName');
  if (name) return body.toString('latin1', name.start, name.end);
  const arn = stringMember(body, 'StreamARN');
  if (!arn) return undefined;
  const value = body.toString('latin1', arn.start, arn.end);
  return value.slice(value.lastIndexOf('/') + 1);
};

/** Decoded sizes of every record's base64 `Data`, in request order. */
export const dataSizesOf = (body) => {
  const sizes = [];
  let from = 0;
  for (let member = stringMember(body, 'Data'); member; member = stringMember(body, 'Data', from)) {
    const { start, end } = member;
    const padding =
      (end - start > 0 && body[end - 1] === EQUALS ? 1 : 0) +
      (end - start > 1 && body[end - 2] === EQUALS ? 1 : 0);
    sizes.push(((end - start) / 4) * 3 - padding);
    from = end + 1;
  }
  return sizes;
};

/** Per response entry, in order: true when the record got a sequence number, else its ErrorCode. */
export const outcomesOf = (body) => {
  const outcomes = [];
  let sequence = stringMember(body, 'SequenceNumber');
  let error = stringMember(body, 'ErrorCode');
  while (sequence || error) {
    if (sequence && (!error || sequence.start < error.start)) {
      outcomes.push(true);
      sequence = stringMember(body, 'SequenceNumber', sequence.end + 1);
    } else if (error) {
      outcomes.push(body.toString('latin1', error.start, error.end));
      error = stringMember(body, 'ErrorCode', error.end + 1);
    }
  }
  return outcomes;
};

/**
 * IncomingRecords, IncomingBytes (the records' data, successful ones only) and
 * WriteProvisionedThroughputExceeded (records refused for throughput) of one call, or undefined when
 * the request names no stream.
 */
export const measurePut = (request, response) => {
  const streamName = streamNameOf(request);
  if (!streamName) return undefined;
  const sizes = dataSizesOf(request);
  const outcomes = outcomesOf(response);
  let records = 0;
  let bytes = 0;
  let throttled = 0;
  for (let i = 0; i < outcomes.length; i++) {
    if (outcomes[i] === true) {
      records++;
      bytes += sizes[i] ?? 0;
    } else if (outcomes[i] === THROTTLED) throttled++;
  }
  // A refused call as a whole (PutRecord, or an error response): `{"__type": "…Exception", …}`.
  if (outcomes.length === 0) {
    const type = stringMember(response, '__type');
    if (type && response.toString('latin1', type.start, type.end).endsWith(THROTTLED))
      throttled = sizes.length;
  }
  return { streamName, records, bytes, throttled };
};

/**
 * Sums measurements per stream and second until `drain` hands them over (the worker posts them to the
 * main thread about twice a second rather than once per call).
 */
export class PutRecordsTally {
  #totals = new Map();

  add(measurement, nowMs = Date.now()) {
    const second = Math.floor(nowMs / 1000) * 1000;
    const key = `${second} ${measurement.streamName}`;
    let total = this.#totals.get(key);
    if (!total) {
      total = { streamName: measurement.streamName, timestampMs: second, records: 0, bytes: 0, throttled: 0 };
      this.#totals.set(key, total);
    }
    total.records += measurement.records;
    total.bytes += measurement.bytes;
    total.throttled += measurement.throttled;
  }

  drain() {
    const totals = [...this.#totals.values()];
    this.#totals.clear();
    return totals;
  }
}
