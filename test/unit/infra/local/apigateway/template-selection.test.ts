import { describe, expect, it } from 'vitest';
import type { PassthroughBehavior } from '../../../../../infra/local/apigateway/api-plan.ts';
import {
  requestMapping,
  responseTemplate,
} from '../../../../../infra/local/apigateway/template-selection.ts';

const JSON_ONLY = { 'application/json': 'json template' };
const XML_ONLY = { 'application/xml': 'xml template' };

describe('requestMapping (API Gateway passthrough behaviours, as documented)', () => {
  it.each<[string, Record<string, string>, string | undefined, PassthroughBehavior, string]>([
    ['no Content-Type is application/json', JSON_ONLY, undefined, 'NEVER', 'template'],
    ['a charset does not matter', JSON_ONLY, 'application/json; charset=UTF-8', 'NEVER', 'template'],
    ['WHEN_NO_MATCH passes an unmapped type', JSON_ONLY, 'application/xml', 'WHEN_NO_MATCH', 'passthrough'],
    [
      'WHEN_NO_TEMPLATES refuses one when templates exist',
      JSON_ONLY,
      'application/xml',
      'WHEN_NO_TEMPLATES',
      'unsupported',
    ],
    ['NEVER refuses an unmapped type', JSON_ONLY, 'application/xml', 'NEVER', 'unsupported'],
    ['WHEN_NO_TEMPLATES passes when none exist', {}, 'application/xml', 'WHEN_NO_TEMPLATES', 'passthrough'],
    ['NEVER refuses even with none', {}, undefined, 'NEVER', 'unsupported'],
    [
      'WHEN_NO_MATCH passes JSON when only XML is mapped',
      XML_ONLY,
      undefined,
      'WHEN_NO_MATCH',
      'passthrough',
    ],
    [
      'an empty template passes the body through',
      { 'application/json': '' },
      undefined,
      'NEVER',
      'passthrough',
    ],
  ])('%s', (_, templates, contentType, behaviour, expected) => {
    // Act
    const mapping = requestMapping(templates, contentType, behaviour);

    // Assess
    expect(mapping.kind).toBe(expected);
  });
});

describe('responseTemplate', () => {
  const templates = { 'application/xml': 'xml', 'application/json': 'json' };

  it('takes the template of an accepted type, else application/json, else the first', () => {
    // Act
    const accepted = responseTemplate(templates, 'text/html, application/xml;q=0.9');
    const star = responseTemplate(templates, '*/*');
    const first = responseTemplate({ 'text/plain': 'text', 'application/xml': 'xml' }, undefined);

    // Assess
    expect(accepted?.template).toBe('xml');
    expect(star?.template).toBe('json');
    expect(first?.template).toBe('text');
  });

  it('passes the body through when no template is declared or the chosen one is empty', () => {
    // Assess
    expect(responseTemplate({}, undefined)).toBeUndefined();
    expect(responseTemplate({ 'application/json': '' }, undefined)).toBeUndefined();
  });
});
