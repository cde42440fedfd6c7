import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  type AwsSdkCall,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { TrackerBuild } from '../../../tracker/bundle.ts';

export interface PutBuildsProps {
  readonly bucket: IBucket;
  readonly builds: readonly TrackerBuild[];
  /** Each build's object key, by file name (tracker/hosting.ts trackerPaths). */
  readonly keys: ReadonlyMap<string, string>;
  readonly cacheControl: string;
  readonly contentType: string;
  /** The log of the function that makes the calls, shared by every AwsCustomResource of the stack. */
  readonly logGroup: ILogGroup;
}

/** The resource type each build's write has in the template, so readers (the local cloud) can tell them apart. */
export const PUT_BUILD_RESOURCE_TYPE = 'Custom::StreamlakeTrackerBuild';

/**
 * Writes each build into the bucket as CloudFormation creates the resource: one S3 PutObject per build, with
 * its Cache-Control and Content-Type, allowed on exactly that object. A new build is a new resource under a new
 * key; the one it replaces has no delete call, so the earlier folder stays for pages that still name it.
 *
 * A PutObject per file, rather than BucketDeployment: BucketDeployment adds a Python function with a 22 MB AWS
 * CLI layer (copied into every cloud assembly), zips the files as assets and needs wildcard S3 permissions,
 * all to write two files of a few kilobytes.
 */
export function putBuilds(scope: Construct, props: PutBuildsProps): AwsCustomResource[] {
  return props.builds.map((build) => {
    const key = props.keys.get(build.fileName);
    if (key === undefined) {
      throw new Error(`no object key for tracker build ${JSON.stringify(build.fileName)}`);
    }
    const put: AwsSdkCall = {
      service: 'S3',
      action: 'PutObject',
      parameters: {
        Bucket: props.bucket.bucketName,
        Key: key,
        Body: build.text,
        CacheControl: props.cacheControl,
        ContentType: props.contentType,
      },
      physicalResourceId: PhysicalResourceId.of(key),
    };
    // Named by its key, so a new build is a new resource (created once, never updated) and the template holds
    // each script once: AwsCustomResource would repeat the whole call for an onUpdate.
    return new AwsCustomResource(scope, `Put ${key.replaceAll('/', ' ')}`, {
      resourceType: PUT_BUILD_RESOURCE_TYPE,
      onCreate: put,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ['s3:PutObject'], resources: [props.bucket.arnForObjects(key)] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: props.logGroup,
    });
  });
}
