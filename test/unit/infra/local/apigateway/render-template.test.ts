import { describe, expect, it } from 'vitest';
import { renderMappingTemplate } from '../../../../../infra/local/apigateway/render-template.ts';

describe('renderMappingTemplate', () => {
  it('renders over the body, parameters and $context given, and reports the overrides the template set', () => {
    // Prepare
    const template = [
      '#set($origin = $input.params().header.get("Origin"))',
      '#set($context.responseOverride.status = 207)',
      '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
      '{"ip":"$context.identity.sourceIp","count":$input.path("$").size()}',
    ].join('\n');

    // Act
    const rendered = renderMappingTemplate(template, {
      body: '[1,2,3]',
      params: { header: { Origin: 'http://shop.test' } },
      context: { sourceIp: '2001:db8::1' },
    });

    // Assess
    expect(rendered).toEqual({
      output: '{"ip":"2001:db8::1","count":3}',
      status: 207,
      headers: { 'Access-Control-Allow-Origin': 'http://shop.test' },
    });
  });
});
