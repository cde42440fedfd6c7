import { EDGE_LIMITS } from '../../../schemas/index.ts';
import { assertWholeNumberInRange } from '../validate.ts';

/** The collector's knobs a deployment sets (stack props or context); every one has a default. */
export interface WebCollectorSettings {
  /**
   * Origins whose browsers may send events keylessly, exactly as browsers send them in `Origin`:
   * `scheme://host[:port]`, no path, no trailing slash. `*` is refused: the list is what keeps other
   * sites from writing into the stream.
   *
   * @default - none: the browser route refuses every request until origins are listed
   */
  readonly allowedOrigins?: readonly string[];
  /** Requests per second the stage takes from everyone together, 1 to 10000 (the account's default). @default 500 */
  readonly rateLimit?: number;
  /** Requests the stage takes at once above the rate, 1 to 5000 (the account's default). @default 1000 */
  readonly burstLimit?: number;
  /** Requests per second one API key (a server-side source) may send, 1 to 10000. @default 200 */
  readonly keyRateLimit?: number;
  /** Requests one API key may send at once above its rate, 1 to 5000. @default 400 */
  readonly keyBurstLimit?: number;
}

const HOST = '(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*)';
/** What a browser puts in `Origin`; also safe inside the templates' single-quoted literals. */
const ORIGIN = new RegExp(`^https?://${HOST}(:\\d{1,5})?$`);

/** Throws, naming the bad value, unless every origin is `scheme://host[:port]`. */
export function assertOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    if (origin === '*') {
      throw new Error(
        'collector allowed origins may not be "*" (given ["*"]): any page could then write events; list the sites',
      );
    }
    if (!ORIGIN.test(origin) || origin.length > EDGE_LIMITS.origin) {
      throw new Error(
        `collector allowed origin must be scheme://host[:port] with no path or trailing slash, as browsers send Origin, at most ${EDGE_LIMITS.origin} characters (given ${JSON.stringify(origin)})`,
      );
    }
  }
}

/** Throws, naming the bad value, unless the throttle limits are within what API Gateway accepts by default. */
export function assertThrottles(settings: Required<Omit<WebCollectorSettings, 'allowedOrigins'>>): void {
  assertWholeNumberInRange('collector rateLimit', settings.rateLimit, 1, 10_000);
  assertWholeNumberInRange('collector burstLimit', settings.burstLimit, 1, 5_000);
  assertWholeNumberInRange('collector keyRateLimit', settings.keyRateLimit, 1, 10_000);
  assertWholeNumberInRange('collector keyBurstLimit', settings.keyBurstLimit, 1, 5_000);
}
