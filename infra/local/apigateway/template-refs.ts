import { createHash } from 'node:crypto';

type Props = Record<string, unknown>;

/**
 * The logical id a property points at: `{Ref: X}` or `{Fn::GetAtt: [X, …]}`. API Gateway's resources link to one
 * another this way (a method's resource, a usage plan's stage), and some of those attributes (`RootResourceId`)
 * have no local physical value to resolve to.
 */
export const referencedId = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const object = value as Props;
  if (typeof object.Ref === 'string') return object.Ref;
  const getAtt = object['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

/** Whether `value` is `{Fn::GetAtt: [apiId, RootResourceId]}`: the API's root resource, `/`. */
export const isRootOf = (value: unknown, apiId: string): boolean => {
  const getAtt = (value as Props | null)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[0] === apiId && getAtt[1] === 'RootResourceId';
};

/**
 * An id in API Gateway's shape (lower-case letters and digits) derived from a logical id, so it is the same
 * on every start: AWS assigns random ones (`a1b2c3d4e5` for an API, `x9y8z7` for a resource).
 */
export const localId = (logicalId: string, length: number): string => {
  // Up to 64 characters: one per byte of the digest.
  const digest = createHash('sha512').update(logicalId).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join('');
};

/** A map of strings as declared (templates, parameters), with any value that is not a string named. */
export const stringMap = (declared: unknown, where: string): Record<string, string> => {
  if (declared === undefined || declared === null) return {};
  if (typeof declared !== 'object')
    throw new Error(`${where} must be a map (given ${JSON.stringify(declared)})`);
  return Object.fromEntries(
    Object.entries(declared as Props).map(([key, value]) => {
      if (typeof value !== 'string') {
        throw new Error(
          `${where}.${key} is ${JSON.stringify(value)} after resolving intrinsics; the local cloud resolves Ref, Fn::GetAtt and Fn::Join only`,
        );
      }
      return [key, value];
    }),
  );
};
