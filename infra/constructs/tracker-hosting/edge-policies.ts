import { Duration } from 'aws-cdk-lib';
import {
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  ResponseHeadersPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { TRACKER_CACHE_CONTROL } from '../../../tracker/hosting.ts';
import { DEFAULTS } from '../../defaults.ts';

/** The `max-age` of a Cache-Control value, in seconds; throws when it has none. */
export const maxAgeOf = (cacheControl: string): number => {
  const match = /(?:^|[\s,])max-age=(\d+)/.exec(cacheControl);
  if (!match?.[1]) {
    throw new Error(
      `the tracker's Cache-Control must give a max-age, which the CloudFront cache policy follows (given ${JSON.stringify(cacheControl)})`,
    );
  }
  return Number(match[1]);
};

/**
 * How the edges cache the tracker: as long as each object's own Cache-Control says (a year, up to the policy's
 * maximum), compressed copies kept apart, and nothing from the request in the key — a query string, a cookie or
 * an Origin header would only split one immutable file into many cached copies.
 */
export const trackerCachePolicy = (scope: Construct, id: string): CachePolicy =>
  new CachePolicy(scope, id, {
    comment:
      'streamlake tracker: cached as long as its Cache-Control says; nothing of the request in the key',
    minTtl: Duration.seconds(0),
    defaultTtl: DEFAULTS.trackerHosting.defaultTtl,
    maxTtl: Duration.seconds(maxAgeOf(TRACKER_CACHE_CONTROL)),
    headerBehavior: CacheHeaderBehavior.none(),
    cookieBehavior: CacheCookieBehavior.none(),
    queryStringBehavior: CacheQueryStringBehavior.none(),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });

/**
 * The headers every answer carries. CORS for any origin, because a browser fetches `<script type="module">` and
 * `import()` in CORS mode and refuses the script without `Access-Control-Allow-Origin`; `*` is safe for a public
 * file fetched without credentials. Added at the edge, so the cached object stays one copy for every site.
 * `Cross-Origin-Resource-Policy: cross-origin` lets pages isolated with COEP load the classic build (fetched
 * without CORS); `nosniff` makes browsers hold the file to its declared type; HSTS keeps it on HTTPS.
 */
export const trackerResponseHeadersPolicy = (scope: Construct, id: string): ResponseHeadersPolicy => {
  const defaults = DEFAULTS.trackerHosting;
  return new ResponseHeadersPolicy(scope, id, {
    comment: 'streamlake tracker: CORS for module scripts from any site, nosniff, HSTS',
    corsBehavior: {
      accessControlAllowOrigins: ['*'],
      accessControlAllowMethods: ['GET', 'HEAD'],
      // A GET of a script sends no header that needs a preflight; the distribution takes no OPTIONS anyway.
      accessControlAllowHeaders: ['*'],
      accessControlAllowCredentials: false,
      originOverride: true,
    },
    customHeadersBehavior: {
      customHeaders: [{ header: 'Cross-Origin-Resource-Policy', value: 'cross-origin', override: true }],
    },
    securityHeadersBehavior: {
      contentTypeOptions: { override: true },
      strictTransportSecurity: {
        accessControlMaxAge: defaults.strictTransportSecurityMaxAge,
        includeSubdomains: false,
        override: true,
      },
    },
  });
};
