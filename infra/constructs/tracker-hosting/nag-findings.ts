import { Stack, Validations } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { AwsCustomResource } from 'aws-cdk-lib/custom-resources';

export interface TrackerHostingParts {
  readonly distribution: Distribution;
  readonly builds: readonly AwsCustomResource[];
  /** Whether viewers connect with a custom certificate (TLS 1.2 at the least) or the default one. */
  readonly customCertificate: boolean;
}

/** Every cdk-nag finding the tracker hosting accepts, one by one, with the reason. */
export function acknowledgeTrackerHostingFindings(parts: TrackerHostingParts): void {
  acknowledgeDistributionFindings(parts.distribution, parts.customCertificate);
  acknowledgeWriterFindings(parts.builds);
}

function acknowledgeDistributionFindings(distribution: Distribution, customCertificate: boolean): void {
  const acknowledge = (id: string, reason: string) =>
    Validations.of(distribution).acknowledge({ id, reason });
  acknowledge(
    'AwsSolutions-CFR1',
    'The tracker is a public script every visitor of the sites that embed it must be able to load, wherever ' +
      'they are; which countries a site serves is that site’s decision, not its analytics script’s.',
  );
  acknowledge(
    'AwsSolutions-CFR2',
    'A WAF web ACL costs $5 a month plus $1 per rule and $0.60 per million requests, more than serving the ' +
      'script itself. The distribution serves one immutable, public, read-only file per build (GET and HEAD ' +
      'only, nothing forwarded to the origin but the path); AWS Shield Standard covers it at no charge.',
  );
  acknowledge(
    'AwsSolutions-CFR3',
    'Access logs would record the full IP address, user agent and referring page of every visitor of every ' +
      'site that loads the tracker, which the collector deliberately truncates; the distribution’s default ' +
      'CloudWatch metrics (requests, bytes, 4xx and 5xx rates) show its health without them. The bucket ' +
      'behind it keeps server access logs of the origin fetches.',
  );
  if (!customCertificate) {
    acknowledge(
      'AwsSolutions-CFR4',
      'Without a custom domain the distribution has only the default *.cloudfront.net certificate, whose ' +
        'security policy CloudFront fixes at TLSv1; browsers in use negotiate TLS 1.2 or 1.3 regardless. ' +
        'Set streamlake:trackerDomainNames and streamlake:trackerCertificateArn to enforce TLSv1.2_2021.',
    );
  }
}

/**
 * The function behind the AwsCustomResources is one per stack (a singleton, a child of the stack) that
 * CloudFormation invokes during deployments only; its findings are acknowledged on it.
 */
function acknowledgeWriterFindings(builds: readonly AwsCustomResource[]): void {
  const [first] = builds;
  if (!first) return;
  const stack = Stack.of(first);
  const writer = stack.node.children.find(
    (child): child is LambdaFunction =>
      child instanceof LambdaFunction && child.role === first.grantPrincipal,
  );
  if (!writer) {
    throw new Error(
      `no AwsCustomResource function in stack ${stack.stackName} with the role of ${first.node.path}: aws-cdk-lib changed where it puts it; find it and acknowledge its findings there`,
    );
  }
  Validations.of(writer).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'AWSLambdaBasicExecutionRole only lets the function create and write its own CloudWatch Logs streams; ' +
      'it is the AWS-maintained minimum for any Lambda function.',
  });
}
