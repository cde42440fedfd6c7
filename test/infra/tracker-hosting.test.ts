import { type Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { maxAgeOf } from '../../infra/constructs/tracker-hosting/edge-policies.ts';
import { PUT_BUILD_RESOURCE_TYPE } from '../../infra/constructs/tracker-hosting/put-builds.ts';
import { TrackerHosting, type TrackerHostingProps } from '../../infra/constructs/tracker-hosting.ts';
import type { TrackerBuild } from '../../tracker/bundle.ts';
import { TRACKER_CACHE_CONTROL, trackerFolder } from '../../tracker/hosting.ts';
import { flatten, logicalIdOf } from './ops-template.ts';
import { emptyStack, streamlakeApp, streamlakeStackWith } from './stacks.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation properties are untyped JSON.
type Properties = Record<string, any>;

const build = (fileName: string, text: string): TrackerBuild => ({
  fileName,
  text,
  minifiedBytes: text.length,
  gzippedBytes: text.length,
});
/** Stand-ins for the two builds: the construct serves whatever it is given, and esbuild stays out of these tests. */
const BUILDS = [
  build('streamlake-tracker.mjs', 'export const createTracker = () => "module";'),
  build('streamlake-tracker.js', 'var streamlake = { createTracker: () => "classic" };'),
];
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000';

/** A fresh stack holding only a TrackerHosting over a plain access-log bucket. */
function hostingStack(props: Partial<TrackerHostingProps> = {}) {
  const stack = emptyStack();
  const accessLogs = new Bucket(stack, 'AccessLogs');
  const hosting = new TrackerHosting(stack, 'Tracker', { builds: BUILDS, accessLogs, ...props });
  return { stack, hosting, accessLogs, template: Template.fromStack(stack) };
}

const resourceOf = (stack: Stack, template: Template, construct: { node: { defaultChild?: unknown } }) =>
  template.toJSON().Resources[logicalIdOf(stack, construct)] as { Properties: Properties };

/** Each build's write into the bucket: the S3 call it makes on create (references as `<Ref X>`), by logical id. */
function writesOf(template: Template): { id: string; create: Properties; properties: Properties }[] {
  return Object.entries(template.findResources(PUT_BUILD_RESOURCE_TYPE)).map(([id, { Properties: p }]) => ({
    id,
    create: JSON.parse(flatten(p.Create)),
    properties: p,
  }));
}

describe('TrackerHosting', () => {
  it('keeps the builds in a private bucket: public access blocked, S3-managed encryption, TLS only', () => {
    const { stack, hosting, template } = hostingStack();

    const bucket = resourceOf(stack, template, hosting.bucket).Properties;

    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.VersioningConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(stack, hosting.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('logs requests to the bucket into the given access-log bucket, under tracker/', () => {
    const { stack, hosting, accessLogs, template } = hostingStack();

    expect(resourceOf(stack, template, hosting.bucket).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalIdOf(stack, accessLogs) },
      LogFilePrefix: 'tracker/',
    });
  });

  it('lets only its own distribution read the bucket, through origin access control (SigV4)', () => {
    const { stack, hosting, template } = hostingStack();
    const distributionId = logicalIdOf(stack, hosting.distribution);

    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const [origin] = resourceOf(stack, template, hosting.distribution).Properties.DistributionConfig.Origins;
    const [oacId] = Object.keys(template.findResources('AWS::CloudFront::OriginAccessControl'));
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Resource: {
              'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(stack, hosting.bucket), 'Arn'] }, '/*']],
            },
            Condition: {
              StringEquals: {
                'AWS:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':cloudfront::',
                      { Ref: 'AWS::AccountId' },
                      ':distribution/',
                      { Ref: distributionId },
                    ],
                  ],
                },
              },
            },
          },
        ]),
      },
    });
  });

  it('redirects HTTP to HTTPS and answers GET and HEAD only', () => {
    const { template } = hostingStack();

    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultCacheBehavior: {
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          Compress: true,
        },
      },
    });
  });

  it('refuses TLS below 1.2 (TLSv1.2_2021, SNI) under a custom domain and its certificate', () => {
    const { template } = hostingStack({ domainNames: ['cdn.shop.example'], certificateArn: CERTIFICATE });

    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['cdn.shop.example'],
        ViewerCertificate: {
          AcmCertificateArn: CERTIFICATE,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      },
    });
  });

  it('uses the default *.cloudfront.net certificate without a custom domain', () => {
    const { stack, hosting, template } = hostingStack();

    const config = resourceOf(stack, template, hosting.distribution).Properties.DistributionConfig;

    expect(config.ViewerCertificate).toBeUndefined();
    expect(config.Aliases).toBeUndefined();
  });

  it('accepts the old-TLS finding (AwsSolutions-CFR4) only while it uses the default certificate', () => {
    const acknowledged = (hosting: TrackerHosting) =>
      hosting.distribution.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
        .filter((id) => id.includes('AwsSolutions-CFR4'));

    const byDefault = hostingStack().hosting;
    const custom = hostingStack({ domainNames: ['cdn.shop.example'], certificateArn: CERTIFICATE }).hosting;

    expect(acknowledged(byDefault)).toHaveLength(1);
    expect(acknowledged(custom)).toEqual([]);
  });

  it('caches each build as long as its own Cache-Control says, with nothing of the request in the key', () => {
    const { template } = hostingStack();

    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: {
        MinTTL: 0,
        MaxTTL: maxAgeOf(TRACKER_CACHE_CONTROL),
        ParametersInCacheKeyAndForwardedToOrigin: {
          CookiesConfig: { CookieBehavior: 'none' },
          HeadersConfig: { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        },
      },
    });
    expect(maxAgeOf(TRACKER_CACHE_CONTROL)).toBe(31_536_000);
  });

  it('lets pages on any site load the module build with CORS, without credentials, held to its type', () => {
    const { template } = hostingStack();

    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        CorsConfig: {
          AccessControlAllowOrigins: { Items: ['*'] },
          AccessControlAllowMethods: { Items: ['GET', 'HEAD'] },
          AccessControlAllowCredentials: false,
          OriginOverride: true,
        },
        SecurityHeadersConfig: Match.objectLike({ ContentTypeOptions: { Override: true } }),
        CustomHeadersConfig: {
          Items: [{ Header: 'Cross-Origin-Resource-Policy', Value: 'cross-origin', Override: true }],
        },
      },
    });
  });

  it('writes each build under the folder named by their content, with a long Cache-Control and a JavaScript type', () => {
    const { stack, hosting, template } = hostingStack();
    const folder = trackerFolder(BUILDS);

    const writes = writesOf(template);

    expect(hosting.folder).toBe(folder);
    expect(writes.map((w) => w.create.parameters.Key).sort()).toEqual(
      [`${folder}streamlake-tracker.js`, `${folder}streamlake-tracker.mjs`].sort(),
    );
    for (const write of writes) {
      const built = BUILDS.find((b) => write.create.parameters.Key === `${folder}${b.fileName}`);
      expect(write.create).toMatchObject({
        service: 'S3',
        action: 'PutObject',
        parameters: {
          Bucket: `<Ref ${logicalIdOf(stack, hosting.bucket)}>`,
          Body: built?.text,
          CacheControl: TRACKER_CACHE_CONTROL,
          ContentType: 'text/javascript',
        },
        physicalResourceId: { id: write.create.parameters.Key },
      });
      // Written once, never updated, nothing deleted: a page cached with an older folder's path still loads it.
      expect(write.properties.Update).toBeUndefined();
      expect(write.properties.Delete).toBeUndefined();
    }
  });

  it('a changed build is written under a new folder, by new resources (the earlier writes are left as they were)', () => {
    const changed = [build('streamlake-tracker.mjs', 'export const v2 = 1;'), BUILDS[1] as TrackerBuild];

    const before = hostingStack();
    const after = hostingStack({ builds: changed });

    expect(after.hosting.folder).toMatch(/^tracker\/[0-9a-f]{12}\/$/);
    expect(after.hosting.folder).not.toBe(before.hosting.folder);
    const idsBefore = writesOf(before.template).map((w) => w.id);
    expect(writesOf(after.template).filter((w) => idsBefore.includes(w.id))).toEqual([]);
  });

  it('allows the writes s3:PutObject on exactly the builds’ objects', () => {
    const { stack, hosting, template } = hostingStack();
    const bucketArn = { 'Fn::GetAtt': [logicalIdOf(stack, hosting.bucket), 'Arn'] };

    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Properties[],
    );

    expect(statements).toEqual(
      BUILDS.map((b) => ({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [bucketArn, `/${hosting.folder}${b.fileName}`]] },
      })),
    );
  });

  it('gives each build’s HTTPS URL on the first custom domain, else the distribution’s', () => {
    const custom = hostingStack({ domainNames: ['cdn.shop.example'], certificateArn: CERTIFICATE }).hosting;
    const { stack, hosting } = hostingStack();

    expect(custom.urlOf('streamlake-tracker.mjs')).toBe(
      `https://cdn.shop.example/${custom.folder}streamlake-tracker.mjs`,
    );
    expect(flatten(stack.resolve(hosting.urlOf('streamlake-tracker.js')))).toBe(
      `https://<${logicalIdOf(stack, hosting.distribution)}.DomainName>/${hosting.folder}streamlake-tracker.js`,
    );
    expect(() => hosting.urlOf('tracker.css')).toThrow(/no build named "tracker.css"/);
  });

  it.each([
    [{ domainNames: ['cdn.shop.example'] }, /need a certificateArn/],
    [{ certificateArn: CERTIFICATE }, /needs the domainNames/],
    [{ domainNames: ['https://cdn.shop.example'], certificateArn: CERTIFICATE }, /must be a host name/],
    [
      { domainNames: ['cdn.shop.example'], certificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1') },
      /ACM certificate in us-east-1/,
    ],
    [{ builds: [] }, /needs the tracker builds \(given none\)/],
    [{ builds: [BUILDS[0] as TrackerBuild, BUILDS[0] as TrackerBuild] }, /must be distinct/],
  ] as const)('fails on %j', (props, message) => {
    expect(() => hostingStack(props)).toThrow(message);
  });

  it('fails when the Cache-Control it follows gives no max-age', () => {
    expect(() => maxAgeOf('public, immutable')).toThrow(/must give a max-age.*given "public, immutable"/);
  });
});

describe('the tracker hosting in the Streamlake stack', () => {
  it('declares the URLs of both builds as outputs, on the distribution, under the content folder', () => {
    const stack = streamlakeStackWith({}, { trackerBuilds: BUILDS });
    const outputs = Template.fromStack(stack).toJSON().Outputs as Record<string, { Value: unknown }>;
    const domain = `<${logicalIdOf(stack, stack.trackerHosting.distribution)}.DomainName>`;
    const folder = trackerFolder(BUILDS);

    expect(flatten(outputs.TrackerScriptUrl?.Value)).toBe(
      `https://${domain}/${folder}streamlake-tracker.mjs`,
    );
    expect(flatten(outputs.TrackerClassicScriptUrl?.Value)).toBe(
      `https://${domain}/${folder}streamlake-tracker.js`,
    );
  });

  it('takes the custom domain and certificate from context', () => {
    const stack = streamlakeStackWith(
      {
        'streamlake:trackerDomainNames': 'cdn.shop.example',
        'streamlake:trackerCertificateArn': CERTIFICATE,
      },
      { trackerBuilds: BUILDS },
    );

    expect(stack.trackerHosting.urlOf('streamlake-tracker.mjs')).toBe(
      `https://cdn.shop.example/${trackerFolder(BUILDS)}streamlake-tracker.mjs`,
    );
  });

  it('passes the cdk-nag AwsSolutions checks with a custom domain too (TLS 1.2 needs no acknowledgement)', () => {
    const { app } = streamlakeApp({
      'streamlake:trackerDomainNames': 'cdn.shop.example',
      'streamlake:trackerCertificateArn': CERTIFICATE,
    });

    const report = new AwsSolutionsChecks(app).validateScope(app);

    expect(report.violations).toEqual([]);
  });
});
