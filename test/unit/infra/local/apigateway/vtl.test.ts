import { describe, expect, it } from 'vitest';
import { contextVariable } from '../../../../../infra/local/apigateway/context-variable.ts';
import { inputVariable } from '../../../../../infra/local/apigateway/input-variable.ts';
import { utilVariable } from '../../../../../infra/local/apigateway/util-variable.ts';
import { compileTemplate } from '../../../../../infra/local/apigateway/vtl.ts';

const NO_PARAMS = { path: {}, querystring: {}, header: {} };

/** Renders `template` over `body` as a request template would, returning the output and the `$context`. */
const render = (template: string, body = '', params = NO_PARAMS) => {
  const context = contextVariable({
    accountId: '000000000000',
    apiId: 'abcdefghij',
    stage: 'prod',
    requestId: 'req-1',
    extendedRequestId: 'ext-1',
    receivedAtMs: Date.UTC(2024, 2, 5, 10, 11, 12, 7),
    httpMethod: 'POST',
    path: '/prod/v1/events',
    resourcePath: '/v1/events',
    resourceId: 'abc123',
    sourceIp: '203.0.113.9',
  });
  const variables = { input: inputVariable(body, params), context, util: utilVariable(), stageVariables: {} };
  return { output: compileTemplate(template, 'a test').render(variables), context };
};

describe('mapping templates (velocityjs with API Gateway semantics)', () => {
  it('joins a #foreach with $foreach.hasNext and counts with $foreach.index and $velocityCount', () => {
    // Act
    const { output } = render(
      '#foreach($e in $input.path("$"))$foreach.index:$velocityCount:$e.id#if($foreach.hasNext),#end#end',
      '[{"id":"a"},{"id":"b"}]',
    );

    // Assess
    expect(output).toBe('0:1:a,1:2:b');
  });

  it('renders a null or missing reference as nothing', () => {
    // Act
    const { output } = render(
      '[$context.identity.userAgent][$context.nothing.here][$undefinedThing][$input.params("x")]',
    );

    // Assess
    expect(output).toBe('[][][][]');
  });

  it('leaves a variable as it was when #set gives it a null value (Velocity 1.7)', () => {
    // Act
    const { output } = render('#set($x = "kept")#set($x = $context.identity.userAgent)$x');

    // Assess
    expect(output).toBe('kept');
  });

  it('divides integers as Java does', () => {
    // Act
    const { output } = render('#set($a = 7 / 2)#set($b = 7.0 / 2)$a $b');

    // Assess
    expect(output).toBe('3 3.5');
  });

  it('sets $context.responseOverride status and hyphenated headers', () => {
    // Act
    const { context } = render(
      '#set($context.responseOverride.status = 429)#set($context.responseOverride.header.Retry-After = "1")',
    );

    // Assess
    expect(context.responseOverride).toEqual({ status: 429, header: { 'Retry-After': '1' } });
  });

  it("calls Java's String methods: regex replaceAll, replace-all replace, whole-string matches, contains, length", () => {
    // Act
    const { output } = render(
      String.raw`$context.identity.sourceIp.replaceAll("\.\d+$", ".0")|${'$'}context.stage.replace("o", "0")|#set($s = "a-b-o-o")$s.replace("o", "0")|$s.matches("a")|$s.matches("a.*")|$s.contains("b")|$s.length()|$s.split("-").size()|#set($t = "a'b'")$t.split("'").size()/$t.split("'", -1).size()/$t.split("'", 2)`,
    );

    // Assess
    expect(output).toBe("203.0.113.0|pr0d|a-b-0-0|false|true|true|7|4|2/3/[a, b']");
  });

  it("gets a map's key exactly, as java.util.Map does", () => {
    // Act
    const { output } = render(
      '[$input.params().header.get("Origin")][$input.params().header.get("origin")]',
      '',
      { ...NO_PARAMS, header: { origin: 'http://a.test' } },
    );

    // Assess
    expect(output).toBe('[][http://a.test]');
  });

  it('renders a map and a list as Java does', () => {
    // Act
    const { output } = render('$input.path("$")', '{"a":1,"b":[true,"x"]}');

    // Assess
    expect(output).toBe('{a=1, b=[true, x]}');
  });

  it('gives $input.json compact JSON of a path, and nothing for a path that selects nothing', () => {
    // Act
    const { output } = render(
      '$input.json("$.events[1]")|$input.json("$.missing")|$input.json("$")',
      '{"events":[{"a":1},{"b":"x"}]}',
    );

    // Assess
    expect(output).toBe('{"b":"x"}||{"events":[{"a":1},{"b":"x"}]}');
  });

  it("gives $input.json('$') of an array and $input.json('$.events') its events as sent: compact, in order, keys in order", () => {
    // Prepare: escapes JSON does not need are written plainly, as Jayway's json-smart writes them too.
    const events = ' [ {"z":1, "a":"\\u00e9\\/ \\"q\\"", "n":null}, {"b":[true, 1.5, {"c":"d"}]} ] ';
    const compact = '[{"z":1,"a":"é/ \\"q\\"","n":null},{"b":[true,1.5,{"c":"d"}]}]';

    // Act
    const array = render("$input.json('$')", events);
    const wrapped = render("$input.json('$.events')", `{"events":${events},"other":1}`);
    const number = render("$input.json('$')", '[{"x":1.0}]');

    // Assess: numbers are JavaScript's (1.0 renders 1), a difference docs/decisions.md D20 lists.
    expect(array.output).toBe(compact);
    expect(wrapped.output).toBe(compact);
    expect(number.output).toBe('[{"x":1}]');
  });

  it('reads a body that is not JSON as one string, and an empty one as {}', () => {
    // Act
    const text = render('$input.json("$")|$input.path("$")', 'a=b');
    const empty = render('$input.json("$")');

    // Assess
    expect(text.output).toBe('"a=b"|a=b');
    expect(empty.output).toBe('{}');
  });

  it('refuses a body that starts like JSON but is not JSON', () => {
    // Act
    const act = () => render('$input.path("$")', '{"a":');

    // Assess
    expect(act).toThrow(/Could not process payload/);
  });

  it('looks a parameter up in path, then query string, then headers (any case)', () => {
    // Prepare
    const params = { path: { id: 'p' }, querystring: { id: 'q', q: 'only-q' }, header: { 'X-Trace': 'h' } };

    // Act
    const { output } = render('$input.params("id")|$input.params("q")|$input.params("x-trace")', '', params);

    // Assess
    expect(output).toBe('p|only-q|h');
  });

  it("fails a #foreach over more than API Gateway's 1,000 iterations", () => {
    // Prepare
    const items = (count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => i));

    // Act
    const atQuota = render(
      '#set($n = 0)#foreach($i in $input.path("$"))#set($n = $n + 1)#end$n',
      items(1000),
    );
    const over = () => render('#foreach($i in $input.path("$"))#end', items(1001));

    // Assess
    expect(atQuota.output).toBe('1000');
    expect(over).toThrow(/at most 1000 iterations/);
  });

  it('fails to compile a template velocityjs cannot parse, naming where it is', () => {
    // Act
    const act = () => compileTemplate('#set($q = "say ""hi""")', 'POST /v1/events request application/json');

    // Assess
    expect(act).toThrow(/POST \/v1\/events request application\/json is not valid VTL/);
  });
});
