import { describe, expect, it } from 'vitest';
import {
  errorXml,
  escapeXml,
  notFound,
  QueryParams,
  successXml,
  toXml,
  XmlMap,
} from '../../../../../../infra/local/servers/sns/query-protocol.ts';

describe('SNS XML responses', () => {
  it('escapes markup characters and keeps carriage returns as character references', () => {
    expect(escapeXml(`a<b>&"c"'d'\r\n`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#xD;\n');
  });

  it('lists become <member> elements, maps <entry> key/value pairs, undefined members vanish', () => {
    // Act
    const xml = toXml({
      Topics: [{ TopicArn: 'arn:1' }, { TopicArn: 'arn:2' }],
      Attributes: new XmlMap({ DisplayName: 'R&D' }),
      NextToken: undefined,
    });
    // Assess
    expect(xml).toBe(
      '<Topics><member><TopicArn>arn:1</TopicArn></member><member><TopicArn>arn:2</TopicArn></member></Topics>' +
        '<Attributes><entry><key>DisplayName</key><value>R&amp;D</value></entry></Attributes>',
    );
  });

  it('a success wraps the result in <ActionResult> inside <ActionResponse> with the request id', () => {
    // Act
    const xml = successXml('CreateTopic', { TopicArn: 'arn:aws:sns:us-east-1:000000000000:a' }, 'req-1');
    // Assess
    expect(xml).toContain('<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(xml).toContain(
      '<CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:000000000000:a</TopicArn></CreateTopicResult>',
    );
    expect(xml).toContain(
      '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateTopicResponse>',
    );
  });

  it('an action without a result answers only the response metadata', () => {
    expect(successXml('DeleteTopic', undefined, 'r')).not.toContain('DeleteTopicResult');
  });

  it('an error carries Type, Code and the escaped Message', () => {
    // Act
    const xml = errorXml(notFound('Topic <x> does not exist'), 'req-2');
    // Assess
    expect(xml).toContain(
      '<Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic &lt;x&gt; does not exist</Message></Error><RequestId>req-2</RequestId></ErrorResponse>',
    );
  });
});

describe('SNS query parameters', () => {
  it('reads maps, message attributes and batch entries by their numbered names', () => {
    // Prepare
    const params = new QueryParams(
      new URLSearchParams({
        'Attributes.entry.1.key': 'KmsMasterKeyId',
        'Attributes.entry.1.value': 'alias/aws/sns',
        'PublishBatchRequestEntries.member.2.Id': 'second',
        'PublishBatchRequestEntries.member.1.Id': 'first',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name': 'severity',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType': 'String',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue': 'critical',
      }),
    );
    // Act
    const entries = params.list('PublishBatchRequestEntries');
    // Assess
    expect(params.map('Attributes')).toEqual({ KmsMasterKeyId: 'alias/aws/sns' });
    expect(entries.map((entry) => entry.get('Id'))).toEqual(['first', 'second']);
    expect(entries[0]?.messageAttributes('MessageAttributes')).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
    });
  });

  it('a missing required parameter is an InvalidParameter naming it', () => {
    expect(() => new QueryParams(new URLSearchParams()).require('TopicArn')).toThrow(
      'Invalid parameter: TopicArn',
    );
  });
});
