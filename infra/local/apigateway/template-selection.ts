import type { PassthroughBehavior, StringMap } from './api-plan.ts';

/** Only the media type of a Content-Type or Accept value selects a template: `application/json; charset=UTF-8` is `application/json`. */
export const mediaTypeOf = (header: string | undefined): string =>
  (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const templateFor = (templates: StringMap, mediaType: string): [string, string] | undefined =>
  Object.entries(templates).find(([key]) => key.toLowerCase() === mediaType);

/** How a request body reaches the integration. An empty template passes the body through, as none would. */
export type RequestMapping =
  | { readonly kind: 'template'; readonly contentType: string; readonly template: string }
  | { readonly kind: 'passthrough' }
  | { readonly kind: 'unsupported'; readonly contentType: string };

/**
 * The request template chosen by the request's Content-Type (application/json when it has none), or what the
 * integration's passthrough behaviour says when none matches: WHEN_NO_MATCH passes the body through;
 * WHEN_NO_TEMPLATES passes it only when no template is declared; NEVER refuses (415).
 */
export const requestMapping = (
  templates: StringMap,
  contentTypeHeader: string | undefined,
  passthrough: PassthroughBehavior,
): RequestMapping => {
  const contentType = mediaTypeOf(contentTypeHeader) || 'application/json';
  const match = templateFor(templates, contentType);
  if (match)
    return match[1] === '' ? { kind: 'passthrough' } : { kind: 'template', contentType, template: match[1] };
  if (passthrough === 'WHEN_NO_MATCH') return { kind: 'passthrough' };
  if (passthrough === 'WHEN_NO_TEMPLATES' && Object.keys(templates).length === 0)
    return { kind: 'passthrough' };
  return { kind: 'unsupported', contentType };
};

/**
 * The response template chosen by the request's Accept header: the first listed media type that has one, else
 * application/json's, else the first declared. Undefined (pass the body through) when none is declared or the
 * chosen one is empty.
 */
export const responseTemplate = (
  templates: StringMap,
  acceptHeader: string | undefined,
): { readonly contentType: string; readonly template: string } | undefined => {
  const accepted = (acceptHeader ?? '').split(',').map(mediaTypeOf).filter(Boolean);
  const chosen =
    accepted.map((mediaType) => templateFor(templates, mediaType)).find(Boolean) ??
    templateFor(templates, 'application/json') ??
    Object.entries(templates)[0];
  if (!chosen || chosen[1] === '') return undefined;
  return { contentType: chosen[0], template: chosen[1] };
};
