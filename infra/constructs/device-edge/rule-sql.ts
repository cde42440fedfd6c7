import { EDGE_FIELD, type Edge } from '../../../schemas/index.ts';

/**
 * The `edge` the rule adds to each message, from what IoT Core knows of it, each entry in IoT SQL:
 * when the rules engine received it (the envelope's UTC_TIME: milliseconds and a literal Z; parse_time's zone
 * is UTC unless given), the message's trace id (a UUID), the publishing client id (the thing name) and the
 * topic. `sourceip()` is left out: IoT SQL cannot truncate an address, and the lake keeps truncated ones only.
 */
export const RULE_EDGE = {
  receivedAt: `parse_time("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", timestamp())`,
  requestId: 'traceid()',
  clientId: 'clientid()',
  topic: 'topic()',
} as const satisfies Partial<Record<keyof Edge, string>>;

/**
 * The rule's SQL: the message as the device sent it (`*`: one event's fields, or a batch's `events`), plus the
 * `edge` object — once per message, so a batch record's events share it (docs/decisions.md, D36). Nothing is
 * altered, only re-serialized by the rules engine (key order and number spelling may differ from the bytes sent).
 */
export const telemetryRuleSql = (topicFilter: string): string => {
  const edge = Object.entries(RULE_EDGE)
    .map(([field, expression]) => `'${field}': ${expression}`)
    .join(', ');
  return `SELECT *, {${edge}} AS ${EDGE_FIELD} FROM '${topicFilter}'`;
};

/**
 * The substitution template of the topic level that holds the device id (IoT SQL counts levels from 1):
 * `${topic(3)}` for `streamlake/devices/<deviceId>/telemetry`.
 */
export const deviceIdFromTopic = (telemetryTopic: (deviceId: string) => string): string => {
  const marker = '\u0000';
  const level = telemetryTopic(marker).split('/').indexOf(marker) + 1;
  if (level === 0) {
    throw new Error(
      `the device telemetry topic must hold the device id as one whole level (given ${JSON.stringify(telemetryTopic('<deviceId>'))})`,
    );
  }
  return `\${topic(${level})}`;
};

/**
 * The S3 key the error action writes a failed message under: one object per message, by the day it arrived and
 * its trace id (the `requestId` its edge would have carried), e.g. `errors/iot/2026/11/22/<trace id>.json`.
 */
export const errorObjectKey = (errorPrefix: string): string =>
  `${errorPrefix}\${parse_time("yyyy/MM/dd", timestamp())}/\${traceid()}.json`;
