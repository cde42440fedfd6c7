import { Token } from 'aws-cdk-lib';

/** The tracker hosting's knobs a deployment sets (stack props or context); both or neither. */
export interface TrackerHostingSettings {
  /**
   * Host names the tracker is served under besides the distribution's own (e.g. `cdn.shop.example`), each
   * pointed at the distribution by a DNS record the deployment makes. Only with a custom certificate can
   * CloudFront refuse TLS below 1.2: its default `*.cloudfront.net` certificate always accepts TLS 1.0.
   *
   * @default - none: `https://<id>.cloudfront.net/`
   */
  readonly domainNames?: readonly string[];
  /**
   * An ACM certificate in us-east-1 (CloudFront takes no other region) covering every one of `domainNames`.
   *
   * @default - none: the distribution's default certificate
   */
  readonly certificateArn?: string;
}

/** A DNS host name: labels of letters, digits and hyphens, at most 253 characters; a wildcard is no host. */
const HOST_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** An ACM certificate ARN in us-east-1, in any partition. */
const CLOUDFRONT_CERTIFICATE = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/;

/** Throws, naming the bad value and what to do, unless the custom domain is complete and well-formed. */
export function assertCustomDomain(settings: TrackerHostingSettings): void {
  const names = settings.domainNames ?? [];
  const { certificateArn } = settings;
  if (names.length > 0 && certificateArn === undefined) {
    throw new Error(
      `tracker domainNames need a certificateArn (given domainNames ${JSON.stringify(names)} and no certificate): issue an ACM certificate for them in us-east-1 and give its ARN`,
    );
  }
  if (names.length === 0 && certificateArn !== undefined) {
    throw new Error(
      `a tracker certificateArn needs the domainNames it covers (given ${JSON.stringify(certificateArn)} and no domain names)`,
    );
  }
  for (const name of names) {
    if (!Token.isUnresolved(name) && !HOST_NAME.test(name)) {
      throw new Error(
        `tracker domain name must be a host name such as cdn.shop.example, no scheme, port or path (given ${JSON.stringify(name)})`,
      );
    }
  }
  if (certificateArn === undefined || Token.isUnresolved(certificateArn)) return;
  if (!CLOUDFRONT_CERTIFICATE.test(certificateArn)) {
    throw new Error(
      `tracker certificateArn must be an ACM certificate in us-east-1, the only region CloudFront takes certificates from (given ${JSON.stringify(certificateArn)})`,
    );
  }
}
