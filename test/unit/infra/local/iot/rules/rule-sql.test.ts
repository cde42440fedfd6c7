import { describe, expect, it } from 'vitest';
import { type InboundMessage, RuleMessage } from '../../../../../../infra/local/iot/rules/rule-message.ts';
import { compileRuleSql, type SqlOutcome } from '../../../../../../infra/local/iot/rules/rule-sql.ts';

const TRACE = '11111111-2222-4333-8444-555555555555';
/** 2024-03-05T10:11:12.345Z */
const RECEIVED = Date.UTC(2024, 2, 5, 10, 11, 12, 345);

const messageOf = (payload: unknown, fields: Partial<InboundMessage> = {}): RuleMessage =>
  new RuleMessage(
    {
      topic: 'streamlake/devices/dev-7/telemetry',
      payload: Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload)),
      clientId: 'dev-7',
      receivedAtMs: RECEIVED,
      ...fields,
    },
    TRACE,
  );

/** The JSON a rule's SQL selects for a message; undefined when the WHERE clause does not hold. */
const select = (sql: string, payload: unknown, fields: Partial<InboundMessage> = {}): unknown => {
  const outcome = compileRuleSql(sql, 'TestRule').evaluate(messageOf(payload, fields));
  if (outcome.kind === 'skipped') return undefined;
  if (outcome.kind === 'failed') throw new Error(outcome.reason);
  return JSON.parse(outcome.data.toString('utf8'));
};

const refusal = (sql: string): string => {
  try {
    compileRuleSql(sql, 'DeviceTelemetryRule');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`the SQL was accepted: ${sql}`);
};

const EVENT = { schema: 'device_reading', eventId: 'e-1', deviceId: 'dev-7', reading: { celsius: 21.5 } };

describe('the rule SQL: SELECT', () => {
  it('SELECT * hands the payload on byte for byte', () => {
    const payload = Buffer.from('{"a": 1,  "b": [1, 2]}');

    const outcome = compileRuleSql("SELECT * FROM 'a/b'", 'R').evaluate(messageOf(payload, { topic: 'a/b' }));

    expect(outcome).toEqual<SqlOutcome>({ kind: 'selected', data: payload });
  });

  it('the project rule adds the edge object after the payload fields, leaving the event unchanged', () => {
    const sql = `SELECT *, {'receivedAt': parse_time("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", timestamp()), 'requestId': traceid(), 'clientId': clientid(), 'topic': topic()} AS edge FROM 'streamlake/devices/+/telemetry'`;

    const output = select(sql, EVENT) as Record<string, unknown>;

    expect(Object.keys(output)).toEqual(['schema', 'eventId', 'deviceId', 'reading', 'edge']);
    expect(output).toEqual({
      ...EVENT,
      edge: {
        receivedAt: '2024-03-05T10:11:12.345Z',
        requestId: TRACE,
        clientId: 'dev-7',
        topic: 'streamlake/devices/dev-7/telemetry',
      },
    });
  });

  it('the project rule adds the edge once to a batch message, beside its events, which it leaves as they came', () => {
    const sql = `SELECT *, {'receivedAt': parse_time("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", timestamp()), 'requestId': traceid(), 'clientId': clientid(), 'topic': topic()} AS edge FROM 'streamlake/devices/+/telemetry'`;
    const events = [EVENT, { ...EVENT, eventId: 'e-2' }, { ...EVENT, eventId: 'e-3' }];

    const output = select(sql, { events }) as Record<string, unknown>;

    expect(Object.keys(output)).toEqual(['events', 'edge']);
    expect(output.events).toEqual(events);
    expect(output.edge).toMatchObject({ requestId: TRACE, clientId: 'dev-7' });
  });

  it("replaces an edge the device sent with the rule's own", () => {
    const sql = `SELECT *, {'clientId': clientid()} AS edge FROM '#'`;

    const output = select(sql, { events: [EVENT], edge: { clientId: 'someone-else', forged: true } });

    expect(output).toEqual({ events: [EVENT], edge: { clientId: 'dev-7' } });
  });

  it('selects fields, nested paths and aliases; a path without alias is named by its last part', () => {
    const output = select("SELECT eventId AS id, reading.celsius, reading.celsius AS c FROM '#'", EVENT);

    expect(output).toEqual({ id: 'e-1', celsius: 21.5, c: 21.5 });
  });

  it('leaves out what is Undefined: a missing field, a path through a non-object, topic(n) past the end', () => {
    const output = select(
      "SELECT missing AS a, eventId.x AS b, topic(9) AS c, topic(0) AS d, {'k': nothing, 'j': 1} AS o FROM '#'",
      EVENT,
    );

    expect(output).toEqual({ o: { j: 1 } });
  });

  it('writes string, number, boolean and null literals and nested object literals', () => {
    const output = select(
      `SELECT 'one' AS s, "two" AS d, 3 AS n, -2.5 AS neg, 1e3 AS e, true AS t, FALSE AS f, null AS z, {'x': {'y': 'deep'}} AS o FROM '#'`,
      EVENT,
    );

    expect(output).toEqual({
      s: 'one',
      d: 'two',
      n: 3,
      neg: -2.5,
      e: 1000,
      t: true,
      f: false,
      z: null,
      o: { x: { y: 'deep' } },
    });
  });

  it('topic() is the whole topic and topic(n) its n-th level from 1; clientid() and timestamp() the publisher and receipt', () => {
    const output = select(
      "SELECT topic() AS t, topic(1) AS first, topic(3) AS device, clientid() AS c, timestamp() AS ts, traceid() AS tr FROM '#'",
      EVENT,
    );

    expect(output).toEqual({
      t: 'streamlake/devices/dev-7/telemetry',
      first: 'streamlake',
      device: 'dev-7',
      c: 'dev-7',
      ts: RECEIVED,
      tr: TRACE,
    });
  });

  it('reads keywords and function names in any case', () => {
    expect(select("select Topic(3) as d from '#' where eventId = 'e-1'", EVENT)).toEqual({ d: 'dev-7' });
  });
});

describe('the rule SQL: WHERE', () => {
  const where = (condition: string, payload: unknown = { n: 5, s: 'red', b: true, o: { k: 1 } }) =>
    select(`SELECT 1 AS hit FROM '#' WHERE ${condition}`, payload) !== undefined;

  it('compares numbers with = <> != < > <= >=', () => {
    expect(where('n = 5')).toBe(true);
    expect(where('n <> 5')).toBe(false);
    expect(where('n != 4')).toBe(true);
    expect(where('n < 6')).toBe(true);
    expect(where('n > 5')).toBe(false);
    expect(where('n <= 5')).toBe(true);
    expect(where('n >= 6')).toBe(false);
  });

  it('converts number-like strings for <, > (not for =)', () => {
    expect(where("n < '10'")).toBe(true);
    expect(where("n = '5'")).toBe(false);
    expect(where('s > 1')).toBe(false);
  });

  it('compares strings, booleans and objects whatever their key order', () => {
    expect(where("s = 'red'")).toBe(true);
    expect(where("s <> 'blue'")).toBe(true);
    expect(where('b = true')).toBe(true);
    expect(where("o = {'k': 1}")).toBe(true);
  });

  it('combines with AND, OR, NOT and parentheses, NOT binding tighter than AND, AND than OR', () => {
    expect(where("n = 5 AND s = 'red'")).toBe(true);
    expect(where("n = 4 OR s = 'red'")).toBe(true);
    expect(where('NOT n = 4')).toBe(true);
    expect(where("n = 4 AND s = 'red' OR b = true")).toBe(true);
    expect(where("n = 4 AND (s = 'red' OR b = true)")).toBe(false);
    expect(where('NOT (n = 5 AND b = true)')).toBe(false);
  });

  it('does not hold when a side is Undefined (a missing field), even under NOT', () => {
    expect(where('missing = 1')).toBe(false);
    expect(where('NOT missing = 1')).toBe(false);
    expect(where('missing <> 1')).toBe(false);
  });

  it('reads topic levels and the client id', () => {
    expect(where('topic(3) = clientid()', EVENT)).toBe(true);
  });
});

describe('the rule SQL: FROM', () => {
  const matches = (filter: string, topic: string) =>
    compileRuleSql(`SELECT * FROM '${filter}'`, 'R').matches(topic);

  it('+ matches exactly one level', () => {
    expect(matches('streamlake/devices/+/telemetry', 'streamlake/devices/d1/telemetry')).toBe(true);
    expect(matches('streamlake/devices/+/telemetry', 'streamlake/devices/d1/x/telemetry')).toBe(false);
    expect(matches('streamlake/devices/+/telemetry', 'streamlake/devices/d1/status')).toBe(false);
    expect(matches('a/+', 'a/')).toBe(true);
  });

  it('# matches one or more levels, not the parent level itself (AWS IoT reading)', () => {
    expect(matches('sensor/#', 'sensor/temperature')).toBe(true);
    expect(matches('sensor/#', 'sensor/temperature/room1')).toBe(true);
    expect(matches('sensor/#', 'sensor/')).toBe(true);
    expect(matches('sensor/#', 'sensor')).toBe(false);
    expect(matches('sensor/#', 'sensors/x')).toBe(false);
  });

  it('a filter without wildcards matches that topic only, case-sensitively', () => {
    expect(matches('a/b', 'a/b')).toBe(true);
    expect(matches('a/b', 'A/b')).toBe(false);
  });

  it('wildcards at the start do not match reserved $ topics', () => {
    expect(matches('#', '$aws/things/x/shadow/update')).toBe(false);
    expect(matches('+/x', '$sys/x')).toBe(false);
    expect(matches('#', 'any/topic')).toBe(true);
  });

  it('an event on a topic the FROM does not match is no concern of the rule', () => {
    const rule = compileRuleSql("SELECT * FROM 'streamlake/devices/+/telemetry'", 'R');

    expect(rule.matches('streamlake/devices/dev-7/status')).toBe(false);
  });

  it('refuses a malformed filter naming the rule', () => {
    expect(refusal("SELECT * FROM 'a/#/b'")).toMatch(
      /^rule DeviceTelemetryRule: topic filter 'a\/#\/b': # must be/,
    );
    expect(refusal("SELECT * FROM 'a/b+'")).toMatch(/\+ must be a level of its own/);
  });
});

describe('the rule SQL: payloads that are not JSON objects', () => {
  it('SELECT * passes a binary payload through unchanged', () => {
    const binary = Buffer.from([0xff, 0x00, 0x7b]);

    const outcome = compileRuleSql("SELECT * FROM '#'", 'R').evaluate(messageOf(binary));

    expect(outcome).toEqual<SqlOutcome>({ kind: 'selected', data: binary });
  });

  it('fails to add fields to a binary payload (no action runs), and says the SQL read JSON', () => {
    const rule = compileRuleSql("SELECT *, clientid() AS c FROM '#'", 'R');

    const outcome = rule.evaluate(messageOf(Buffer.from('not json')));

    expect(outcome).toEqual<SqlOutcome>({
      kind: 'failed',
      reason: 'the payload is not JSON, so SELECT * cannot take other items beside it',
    });
    expect(rule.readsJson).toBe(true);
  });

  it('fails to add fields to a JSON payload that is not an object', () => {
    const outcome = compileRuleSql("SELECT *, 1 AS n FROM '#'", 'R').evaluate(messageOf([1, 2]));

    expect(outcome.kind).toBe('failed');
  });

  it('a rule that reads no payload field does not read JSON', () => {
    expect(compileRuleSql("SELECT * FROM '#'", 'R').readsJson).toBe(false);
    expect(compileRuleSql("SELECT topic() AS t FROM '#'", 'R').readsJson).toBe(false);
    expect(compileRuleSql("SELECT * FROM '#' WHERE a = 1", 'R').readsJson).toBe(true);
  });
});

describe('the rule SQL: parse_time', () => {
  const time = (pattern: string, zone?: string, ms = RECEIVED) =>
    (
      select(`SELECT parse_time(${pattern}, ${ms}${zone ? `, '${zone}'` : ''}) AS t FROM '#'`, EVENT) as {
        t?: string;
      }
    ).t;

  it('writes Joda patterns in UTC by default', () => {
    expect(time(`"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"`)).toBe('2024-03-05T10:11:12.345Z');
    expect(time("'yyyy/MM/dd'")).toBe('2024/03/05');
    expect(time("'yy-M-d H:m:s'", undefined, Date.UTC(2009, 0, 2, 3, 4, 5))).toBe('09-1-2 3:4:5');
    expect(time("'ss.S ss.SS'")).toBe('12.3 12.34');
    expect(time(`"HH 'o''clock' ''"`)).toBe("10 o'clock '");
  });

  it('writes in the given time zone', () => {
    expect(time("'yyyy-MM-dd HH:mm'", 'America/New_York')).toBe('2024-03-05 05:11');
    expect(time("'yyyy-MM-dd HH:mm'", 'UTC')).toBe('2024-03-05 10:11');
  });

  it('is Undefined for a time that is not a number', () => {
    expect(select("SELECT parse_time('yyyy', eventId) AS t FROM '#'", EVENT)).toEqual({});
  });

  it('refuses pattern letters it does not write, and unknown zones, at compile time', () => {
    expect(refusal("SELECT parse_time('yyyy G', timestamp()) AS t FROM '#'")).toMatch(
      /^rule DeviceTelemetryRule: time pattern "yyyy G": the letter G is not written locally/,
    );
    expect(refusal("SELECT parse_time('yyyy', timestamp(), 'Mars/Olympus') AS t FROM '#'")).toMatch(
      /parse_time\(\) in the unknown time zone 'Mars\/Olympus' is not evaluated locally/,
    );
  });
});

describe('the rule SQL: what the local engine refuses', () => {
  const cases: [string, RegExp][] = [
    ["SELECT substring(eventId, 1) AS s FROM '#'", /the function substring\(\) is not evaluated locally/],
    ["SELECT VALUE eventId FROM '#'", /SELECT VALUE is not evaluated locally/],
    ["SET @x = 1 SELECT * FROM '#'", /the SET clause \(variables\) is not evaluated locally/],
    ["SELECT CASE n WHEN 1 THEN 'a' END AS c FROM '#'", /the CASE expression is not evaluated locally/],
    ["SELECT n + 1 AS m FROM '#'", /the operator \+ is not evaluated locally/],
    ["SELECT * FROM '#' WHERE n * 2 > 3", /the operator \* is not evaluated locally/],
    ["SELECT [1, 2] AS a FROM '#'", /the array literal \[…\] is not evaluated locally/],
    ["SELECT a[0] AS x FROM '#'", /array indexing \[…\] is not evaluated locally/],
    ["SELECT (SELECT v FROM a) AS x FROM '#'", /a nested object query/],
    ["SELECT timestamp() FROM '#'", /a select item without AS .* is not evaluated locally/],
    ["SELECT a AS b.c FROM '#'", /the dotted alias AS b\.… is not evaluated locally/],
    ["SELECT encode(*, 'base64') AS d FROM '#'", /encode\(\*\)/],
    ["SELECT topic(1, 2) AS t FROM '#'", /topic\(\) takes 0 to 1 arguments \(given 2\)/],
    [
      'SELECT * FROM topic/a',
      /FROM takes a topic filter in single quotes \('a\/\+\/b'\) at 14, found 'topic'/,
    ],
    ['SELECT * FROM "a/b"', /FROM takes a topic filter in single quotes .* found "a\/b"/],
    ["SELECT * FROM '#' ORDER BY a", /SQL syntax error: expected the end of the statement/],
    ["SELECT * FROM '#' WHERE a = 'open", /string literal opened at \d+ is never closed/],
  ];

  it.each(cases)('%s', (sql, message) => {
    const refused = refusal(sql);

    expect(refused).toMatch(/^rule DeviceTelemetryRule: /);
    expect(refused).toMatch(message);
    expect(refused).toContain(`(SQL: ${sql})`);
  });
});
