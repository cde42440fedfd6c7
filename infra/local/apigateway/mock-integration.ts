import type { IntegrationResult } from './aws-integration.ts';

/**
 * A MOCK integration answers with the status its request template names (`{"statusCode": 200}`, keys quoted
 * or not, as API Gateway reads it), 200 when it names none; its response body is empty.
 */
export const mockResult = (renderedRequest: string): IntegrationResult => {
  const declared = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(renderedRequest)?.[1];
  return { status: declared ? Number(declared) : 200, headers: {}, body: '' };
};
