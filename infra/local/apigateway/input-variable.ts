import { errorMessage } from '../../../processors/shared/errors.ts';
import { selectPath } from './json-path.ts';

/** A method request's parameters, as `$input.params()` gives them. */
export interface RequestParameters {
  readonly path: Readonly<Record<string, string>>;
  readonly querystring: Readonly<Record<string, string>>;
  /** Header names as the client sent them. */
  readonly header: Readonly<Record<string, string>>;
}

/** A payload a template asked to read as JSON that is not JSON: API Gateway answers 400. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

/**
 * The payload as API Gateway's JSON reader sees it: what starts like an object or array (or a JSON string)
 * must parse; an empty payload is `{}`; anything else that is not JSON is read as one string.
 */
const documentOf = (body: string): unknown => {
  const text = body.trim();
  if (text === '') return {};
  if (/^[{["]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new PayloadError(`Could not process payload: ${errorMessage(error)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    return body;
  }
};

const headerNamed = (headers: Readonly<Record<string, string>>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  const found = Object.keys(headers).findLast((key) => key.toLowerCase() === wanted);
  return found === undefined ? undefined : headers[found];
};

/**
 * `$input`: the payload (`body`, `json(path)`, `path(path)`) and the method request's parameters. In a response
 * template the payload is the integration's response and the parameters are still the method request's.
 */
export const inputVariable = (body: string, params: RequestParameters) => {
  let parsed: { document: unknown } | undefined;
  const document = () => {
    parsed ??= { document: documentOf(body) };
    return parsed.document;
  };
  return {
    body,
    /** The JSON text of what `path` selects; nothing when it selects nothing. */
    json: (path: string) => {
      const result = selectPath(document(), String(path));
      return result.found ? JSON.stringify(result.value) : '';
    },
    /** What `path` selects, as an object the template can walk; null when it selects nothing. */
    path: (path: string) => {
      const result = selectPath(document(), String(path));
      return result.found ? result.value : null;
    },
    /** All parameters, or the one named: path, then query string, then header (any case); "" when absent. */
    params: (name?: string) => {
      if (name === undefined) {
        return {
          path: { ...params.path },
          querystring: { ...params.querystring },
          header: { ...params.header },
        };
      }
      const key = String(name);
      return params.path[key] ?? params.querystring[key] ?? headerNamed(params.header, key) ?? '';
    },
  };
};
