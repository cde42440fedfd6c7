import type { RemovalPolicy } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachedMethods,
  Distribution,
  HttpVersion,
  SecurityPolicyProtocol,
  SSLMethod,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { AwsCustomResource } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { TrackerBuild } from '../../tracker/bundle.ts';
import { TRACKER_CACHE_CONTROL, trackerFolder, trackerPaths } from '../../tracker/hosting.ts';
import { DEFAULTS } from '../defaults.ts';
import { securedBucket } from './lake-bucket.ts';
import { trackerCachePolicy, trackerResponseHeadersPolicy } from './tracker-hosting/edge-policies.ts';
import { acknowledgeTrackerHostingFindings } from './tracker-hosting/nag-findings.ts';
import { putBuilds } from './tracker-hosting/put-builds.ts';
import { assertCustomDomain, type TrackerHostingSettings } from './tracker-hosting/settings.ts';

export interface TrackerHostingProps extends TrackerHostingSettings {
  /** The tracker's builds (tracker/bundle.ts), served from one folder named by their content. */
  readonly builds: readonly TrackerBuild[];
  /** Where the bucket's server access logs go, under `tracker/` (the stack gives the lake's log bucket). */
  readonly accessLogs: IBucket;
  /**
   * What happens to the bucket on `cdk destroy` (CloudFormation cannot delete a bucket that still holds objects,
   * and the deployed builds are kept on purpose).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Serves the browser tracker: its builds in a private bucket, behind a CloudFront distribution that alone may
 * read it (origin access control), HTTPS only, under a folder named by their content (`tracker/<hash>/`) with
 * a year's immutable Cache-Control, so edges and browsers keep them until a new build brings a new path.
 *
 * A deployment writes the new folder and leaves the earlier ones (and `cdk destroy` the last): a page cached
 * with an older script path keeps loading its script.
 */
export class TrackerHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** The write of each build into the bucket, made as CloudFormation creates or updates the stack. */
  readonly builds: readonly AwsCustomResource[];
  /** The content-named folder of the builds, e.g. `tracker/3f2a9c0b1d4e/`. */
  readonly folder: string;
  /** The host viewers load the tracker from: the first custom domain name, else the distribution's own. */
  readonly domainName: string;
  private readonly paths: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: TrackerHostingProps) {
    super(scope, id);
    assertBuilds(props.builds);
    assertCustomDomain(props);
    const defaults = DEFAULTS.trackerHosting;
    this.folder = trackerFolder(props.builds);
    this.paths = trackerPaths(props.builds);

    // Versioning off: every object is written once, under a key named by its content, and never overwritten.
    this.bucket = new Bucket(this, 'Bucket', {
      ...securedBucket,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: defaults.accessLogsPrefix,
    });

    const domainNames = props.domainNames ?? [];
    const certificate =
      props.certificateArn === undefined
        ? undefined
        : Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'streamlake browser tracker',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        cachePolicy: trackerCachePolicy(this, 'CachePolicy'),
        responseHeadersPolicy: trackerResponseHeadersPolicy(this, 'ResponseHeaders'),
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      // A minimum TLS version applies to a custom certificate only; the default one always accepts TLS 1.0.
      ...(certificate
        ? {
            domainNames: [...domainNames],
            certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: SSLMethod.SNI,
          }
        : {}),
    });
    this.domainName = domainNames[0] ?? this.distribution.distributionDomainName;

    this.builds = putBuilds(this, {
      bucket: this.bucket,
      builds: props.builds,
      keys: this.paths,
      cacheControl: TRACKER_CACHE_CONTROL,
      contentType: defaults.contentType,
      logGroup: new LogGroup(this, 'WriteLog', {
        retention: defaults.writeLogRetention,
        removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
      }),
    });
    acknowledgeTrackerHostingFindings({
      distribution: this.distribution,
      builds: this.builds,
      customCertificate: certificate !== undefined,
    });
  }

  /** The HTTPS URL of the build named `fileName` (e.g. `streamlake-tracker.mjs`). */
  urlOf(fileName: string): string {
    const path = this.paths.get(fileName);
    if (path === undefined) {
      throw new Error(
        `the tracker hosting serves no build named ${JSON.stringify(fileName)} (given builds: ${[...this.paths.keys()].join(', ')})`,
      );
    }
    return `https://${this.domainName}/${path}`;
  }
}

/** Throws unless there is at least one build and no two share a file name (they would overwrite each other). */
function assertBuilds(builds: readonly TrackerBuild[]): void {
  const names = builds.map((build) => build.fileName);
  if (names.length === 0) {
    throw new Error('the tracker hosting needs the tracker builds (given none): pass bundleTrackerSync()');
  }
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined || names.some((name) => !/^[\w.-]+$/.test(name))) {
    throw new Error(
      `tracker build file names must be distinct plain file names (given ${JSON.stringify(names)})`,
    );
  }
}
