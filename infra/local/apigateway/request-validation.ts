import type { ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import { errorMessage } from '../../../processors/shared/errors.ts';
import type { MethodPlan, RequestModelPlan } from './api-plan.ts';
import type { RequestParameters } from './input-variable.ts';
import { mediaTypeOf } from './template-selection.ts';
import { validationErrorString } from './validation-messages.ts';

/** Why a request failed its method's validator: the gateway response type and what it says. */
export type ValidationFailure =
  | { readonly type: 'BAD_REQUEST_PARAMETERS'; readonly message: string }
  | {
      readonly type: 'BAD_REQUEST_BODY';
      readonly message: 'Invalid request body';
      readonly validationErrorString: string;
    };

/** The draft-4 formats API Gateway's validator checks (an unknown format is ignored, as there). */
const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,12})?(Z|[+-]\d{2}:?\d{2})$/i,
  email: /^[^\s@]+@[^\s@]+$/,
  ipv4: /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/,
  ipv6: /^[0-9a-f:.]+$/i,
  hostname: /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
};

// A CommonJS module: its class is also its `default` (what TypeScript's NodeNext typing of the import expects).
const ajv = new AjvDraft04.default({ allErrors: true, verbose: true, strict: false, logger: false });
for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);

/** Models compiled once per schema object (the plan's objects are shared by every request). */
const compiled = new WeakMap<object, ValidateFunction>();
const validatorOf = (model: RequestModelPlan): ValidateFunction => {
  const known = compiled.get(model.schema);
  if (known) return known;
  try {
    const validate = ajv.compile(model.schema);
    compiled.set(model.schema, validate);
    return validate;
  } catch (error) {
    throw new Error(
      `model ${model.name} is not a JSON Schema draft 4 the validator can compile: ${errorMessage(error)}`,
    );
  }
};

/** Compiles every model of `methods` now, so a bad one stops the start (API Gateway refuses it at deploy). */
export const compileModels = (methods: readonly MethodPlan[]): void => {
  for (const method of methods) for (const model of Object.values(method.requestModels)) validatorOf(model);
};

/** Required parameters absent or blank, in declaration order: `Missing required request parameters: [q1, h1]`. */
const missingParameters = (method: MethodPlan, params: RequestParameters): string[] =>
  Object.entries(method.requestParameters).flatMap(([declared, required]) => {
    const match = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(declared);
    if (!required || !match) return [];
    const [, where, name] = match as unknown as [string, keyof RequestParameters, string];
    const values = params[where];
    const key =
      where === 'header' ? Object.keys(values).find((k) => k.toLowerCase() === name.toLowerCase()) : name;
    const value = key === undefined ? undefined : values[key];
    return value === undefined || value.trim() === '' ? [name] : [];
  });

const bodyErrors = (model: RequestModelPlan, body: string): string | undefined => {
  let document: unknown;
  try {
    document = body.trim() === '' ? {} : JSON.parse(body);
  } catch (error) {
    return `[Invalid JSON in request body: ${errorMessage(error)}]`;
  }
  const validate = validatorOf(model);
  return validate(document) ? undefined : validationErrorString(validate.errors ?? []);
};

/**
 * Checks a request as the method's request validator would: required parameters present and not blank, then
 * the body against the model of its content type (or `$default`); no model, no body validation.
 */
export const validateRequest = (
  method: MethodPlan,
  request: { readonly params: RequestParameters; readonly contentType?: string; readonly body: string },
): ValidationFailure | undefined => {
  if (method.validateRequestParameters) {
    const missing = missingParameters(method, request.params);
    if (missing.length > 0) {
      return {
        type: 'BAD_REQUEST_PARAMETERS',
        message: `Missing required request parameters: [${missing.join(', ')}]`,
      };
    }
  }
  if (!method.validateRequestBody) return undefined;
  const contentType = mediaTypeOf(request.contentType) || 'application/json';
  const model = method.requestModels[contentType] ?? method.requestModels.$default;
  const errors = model && bodyErrors(model, request.body);
  return errors
    ? { type: 'BAD_REQUEST_BODY', message: 'Invalid request body', validationErrorString: errors }
    : undefined;
};
