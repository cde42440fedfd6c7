// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT substitution templates (${topic(3)}) are the subject of these tests.
import { describe, expect, it } from 'vitest';
import { RuleMessage } from '../../../../../../infra/local/iot/rules/rule-message.ts';
import { compileSubstitution } from '../../../../../../infra/local/iot/rules/substitution-template.ts';

const message = new RuleMessage(
  {
    topic: 'streamlake/devices/dev-7/telemetry',
    payload: Buffer.from(JSON.stringify({ deviceId: 'dev-7', n: 3, ok: true, gone: null, o: { k: 'v' } })),
    clientId: 'dev-7',
    receivedAtMs: Date.UTC(2024, 2, 5, 23, 59, 59, 999),
  },
  'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
);

const substitute = (text: string) => compileSubstitution(text, 'rule R Key')(message);

describe('substitution templates in action fields', () => {
  it('the partition key of the project rule is the device id, the topic’s third level', () => {
    expect(substitute('${topic(3)}')).toBe('dev-7');
  });

  it('the error action’s key: date path and trace id', () => {
    expect(substitute('errors/iot/${parse_time("yyyy/MM/dd", timestamp())}/${traceid()}.json')).toBe(
      'errors/iot/2024/03/05/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee.json',
    );
  });

  it('keeps text without templates as it is, and text around templates', () => {
    expect(substitute('plain/key')).toBe('plain/key');
    expect(substitute('a-${clientid()}-b-${topic(1)}')).toBe('a-dev-7-b-streamlake');
  });

  it('reads the original payload and writes values as IoT SQL converts them to strings', () => {
    expect(substitute('${deviceId}|${n}|${ok}|${o}')).toBe('dev-7|3|true|{"k":"v"}');
  });

  it('writes Undefined and Null as nothing', () => {
    expect(substitute('[${missing}][${gone}][${topic(9)}]')).toBe('[][][]');
  });

  it('finds the end of an expression holding braces and quotes', () => {
    expect(substitute("${{'a': '}'}}")).toBe('{"a":"}"}');
  });

  it('refuses what the SQL evaluator refuses, naming the rule and field', () => {
    expect(() => compileSubstitution('${newuuid()}', 'rule R (error action) Key')).toThrow(
      'rule R (error action) Key: substitution template "${newuuid()}": the function newuuid() is not evaluated locally',
    );
    expect(() => compileSubstitution('${topic(3)', 'rule R Key')).toThrow(/is never closed with }/);
  });
});
