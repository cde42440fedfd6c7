/**
 * What a `catch` clause holds is `unknown`: a library may throw a string, an object or nothing at all. These turn
 * it into an Error without a cast, so a report never loses the value that was thrown.
 */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : `non-error thrown: ${safeString(thrown)}`);
}

/** The message of whatever was thrown. */
export function errorMessage(thrown: unknown): string {
  return asError(thrown).message;
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
