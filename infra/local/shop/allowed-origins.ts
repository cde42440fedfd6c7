import { CONTEXT_SETTINGS } from '../../context.ts';

/** `streamlake:collectorAllowedOrigins`: the origins whose pages the collector's browser route accepts. */
export const ALLOWED_ORIGINS_KEY = CONTEXT_SETTINGS.collector.allowedOrigins[0];

/**
 * The synth context with `origin` added to the collector's allow-list, after the origins the caller already
 * lists (an array, or comma-separated text as `-c` gives it). A value of another type is left as given, for
 * the stack to refuse with its own message naming the key.
 */
export const withAllowedOrigin = (
  context: Readonly<Record<string, unknown>> | undefined,
  origin: string,
): Record<string, unknown> => {
  const given = context?.[ALLOWED_ORIGINS_KEY];
  const listed =
    given === undefined
      ? []
      : typeof given === 'string'
        ? given.split(',')
        : Array.isArray(given) && given.every((item) => typeof item === 'string')
          ? given
          : undefined;
  if (!listed) return { ...context };
  const origins = listed.map((item) => item.trim()).filter((item) => item !== '');
  return {
    ...context,
    [ALLOWED_ORIGINS_KEY]: origins.includes(origin) ? origins : [...origins, origin],
  };
};
