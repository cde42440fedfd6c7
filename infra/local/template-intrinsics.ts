import type { LocalAccount, Template } from './template.ts';

/** Local physical names: `<stack>-<logical id>`, lower-cased where the service demands it. */
const physicalName = (account: LocalAccount, logicalId: string, type: string): string => {
  const name = `${account.stackName}-${logicalId}`;
  return type === 'AWS::S3::Bucket'
    ? name
        .toLowerCase()
        .replace(/[^a-z0-9.-]/g, '-')
        .slice(0, 63)
    : name.slice(0, 128);
};

/** The ARN a resource of `type` named `name` has in the local account. */
export const arnOf = (account: LocalAccount, type: string, name: string): string => {
  const { region, accountId } = account;
  switch (type) {
    case 'AWS::Kinesis::Stream':
      return `arn:aws:kinesis:${region}:${accountId}:stream/${name}`;
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${accountId}:role/${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${accountId}:${name}`;
    case 'AWS::KMS::Key':
      return `arn:aws:kms:${region}:${accountId}:key/${name}`;
    case 'AWS::Events::Rule':
      return `arn:aws:events:${region}:${accountId}:rule/${name}`;
    default:
      return `arn:aws:cloudformation:${region}:${accountId}:${type}/${name}`;
  }
};

/** The pseudo parameters a `Ref` may name, as the local account gives them. */
const pseudoParameter = (account: LocalAccount, ref: string): string | undefined =>
  new Map([
    ['AWS::Region', account.region],
    ['AWS::AccountId', account.accountId],
    ['AWS::Partition', 'aws'],
    ['AWS::URLSuffix', 'amazonaws.com'],
    ['AWS::StackName', account.stackName],
  ]).get(ref);

/**
 * Reads the names and intrinsic functions of a template as CloudFormation would resolve them in the
 * local account: `Ref`, `Fn::GetAtt` (Arn, StreamArn, TopicArn, TopicName) and `Fn::Join`.
 */
export class TemplateIntrinsics {
  constructor(
    private readonly template: Template,
    private readonly account: LocalAccount,
  ) {}

  /** The physical name of a resource: the one it declares, else a local one. */
  nameOf(logicalId: string): string {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`template refers to ${logicalId}, which it does not declare`);
    const props = resource.Properties ?? {};
    const explicit =
      props.StreamName ??
      props.TableName ??
      props.BucketName ??
      props.FunctionName ??
      props.RoleName ??
      props.TopicName ??
      props.RuleName ??
      props.DeliveryStreamName;
    return typeof explicit === 'string' ? explicit : physicalName(this.account, logicalId, resource.Type);
  }

  /** Name and ARN of a resource of `type`. */
  named(logicalId: string, type: string): { logicalId: string; name: string; arn: string } {
    const name = this.nameOf(logicalId);
    return { logicalId, name, arn: arnOf(this.account, type, name) };
  }

  /** `value` with every intrinsic function in it resolved (deeply). */
  readonly resolve = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map(this.resolve);
    const object = value as Record<string, unknown>;
    if ('Ref' in object) return this.ref(String(object.Ref));
    if ('Fn::GetAtt' in object) return this.getAtt(...(object['Fn::GetAtt'] as [string, string]));
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return (this.resolve(parts) as unknown[]).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, this.resolve(inner)]));
  };

  /** Ref returns a name for most types, but an ARN for SNS topics. */
  private ref(ref: string): string {
    const pseudo = pseudoParameter(this.account, ref);
    if (pseudo !== undefined) return pseudo;
    if (this.template.Resources[ref]?.Type === 'AWS::SNS::Topic') {
      return arnOf(this.account, 'AWS::SNS::Topic', this.nameOf(ref));
    }
    return this.nameOf(ref);
  }

  private getAtt(logicalId: string, attribute: string): string {
    const type = this.template.Resources[logicalId]?.Type ?? '';
    const name = this.nameOf(logicalId);
    if (attribute === 'Arn') return arnOf(this.account, type, name);
    if (attribute === 'StreamArn') return `${arnOf(this.account, type, name)}/stream/local`;
    if (attribute === 'TopicArn') return arnOf(this.account, type, name);
    if (attribute === 'TopicName') return name;
    throw new Error(`Fn::GetAtt ${logicalId}.${attribute} is not supported by the local cloud`);
  }
}
