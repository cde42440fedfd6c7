/**
 * One action of a topic rule as the template declares it (`TopicRulePayload.Actions[i]` or `.ErrorAction`):
 * the action's key (`Kinesis`, `S3`, `CloudwatchLogs`, …) and its properties with intrinsics resolved. Which types
 * the local rule engine runs is its business (rule-actions.ts), so the plan keeps every declared action.
 */
export interface RuleActionPlan {
  /** The CloudFormation key of the action: `Kinesis`, `S3`, `CloudwatchLogs`, `Lambda`, … */
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
  /** For a CloudWatch Logs action: the template's log group its `LogGroupName` refers to, when it refers to one. */
  readonly logGroupLogicalId?: string;
}

/** An `AWS::IoT::TopicRule` of the template, as the local rule engine runs it. */
export interface TopicRulePlan {
  readonly logicalId: string;
  /** The rule's name: `RuleName`, else the local physical name (what `Ref` resolves to, so metrics match). */
  readonly ruleName: string;
  readonly arn: string;
  readonly sql: string;
  /** `AwsIotSqlVersion`; only `2016-03-23` is run locally (template-iot.ts refuses the others). */
  readonly sqlVersion: string;
  /** `RuleDisabled`: a disabled rule is planned but never run, as on AWS. */
  readonly disabled: boolean;
  readonly actions: readonly RuleActionPlan[];
  readonly errorAction?: RuleActionPlan;
}
