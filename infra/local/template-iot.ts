import type { RuleActionPlan, TopicRulePlan } from './iot/rules/topic-rule-plan.ts';
import { refsIn } from './logs/metric-filter-plan.ts';
import type { LocalAccount, Template } from './template.ts';
import type { TemplateIntrinsics } from './template-intrinsics.ts';

type Props = Record<string, unknown>;

/** The one SQL version the local rule engine evaluates; AWS's default (no version declared) is 2015-10-08. */
export const LOCAL_SQL_VERSION = '2016-03-23';

/** `{ Kinesis: {...} }` → one action plan; AWS lets an action object name exactly one action. */
const actionOf = (template: Template, declared: unknown, where: string, resolve: (v: unknown) => unknown) => {
  const entries = Object.entries((declared ?? {}) as Props);
  if (entries.length !== 1) {
    throw new Error(
      `${where}: an action names exactly one action type (given ${entries.map(([type]) => type).join(', ') || 'none'})`,
    );
  }
  const [type, properties] = entries[0] as [string, unknown];
  const logGroup =
    type === 'CloudwatchLogs'
      ? refsIn((properties as Props | undefined)?.LogGroupName).find(
          (ref) => template.Resources[ref]?.Type === 'AWS::Logs::LogGroup',
        )
      : undefined;
  const plan: RuleActionPlan = {
    type,
    properties: (resolve(properties ?? {}) ?? {}) as Props,
    ...(logGroup ? { logGroupLogicalId: logGroup } : {}),
  };
  return plan;
};

/** Refuses the SQL versions whose semantics the local engine does not reproduce, saying what to declare. */
const assertSqlVersion = (logicalId: string, version: unknown): string => {
  if (version === LOCAL_SQL_VERSION) return version;
  const given =
    version === undefined
      ? 'no AwsIotSqlVersion, so AWS runs it as 2015-10-08'
      : `AwsIotSqlVersion ${JSON.stringify(version)}`;
  throw new Error(
    `rule ${logicalId} declares ${given}; the local rule engine evaluates SQL version ${LOCAL_SQL_VERSION} only: declare awsIotSqlVersion: '${LOCAL_SQL_VERSION}'`,
  );
};

/**
 * The template's topic rules (`AWS::IoT::TopicRule`): SQL, version, whether disabled, actions and error action,
 * with stream, bucket and log group names resolved as the local cloud names them.
 */
export const topicRulesFromTemplate = (
  template: Template,
  intrinsics: TemplateIntrinsics,
  account: LocalAccount,
): TopicRulePlan[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IoT::TopicRule')
    .map(([id, resource]) => {
      const props = resource.Properties ?? {};
      const payload = (props.TopicRulePayload ?? {}) as Props;
      const sql = intrinsics.resolve(payload.Sql);
      if (typeof sql !== 'string' || sql.trim() === '') {
        throw new Error(`rule ${id} declares no Sql (given ${JSON.stringify(payload.Sql)})`);
      }
      // RuleName when declared, else a local name: what `Ref` of the rule resolves to, so metrics match outputs.
      const ruleName = intrinsics.nameOf(id);
      const where = `rule ${id}`;
      const declaredActions = (payload.Actions as unknown[] | undefined) ?? [];
      return {
        logicalId: id,
        ruleName,
        arn: `arn:aws:iot:${account.region}:${account.accountId}:rule/${ruleName}`,
        sql,
        sqlVersion: assertSqlVersion(id, payload.AwsIotSqlVersion),
        disabled: payload.RuleDisabled === true || payload.RuleDisabled === 'true',
        actions: declaredActions.map((action, i) =>
          actionOf(template, action, `${where} action ${i + 1}`, intrinsics.resolve),
        ),
        ...(payload.ErrorAction === undefined
          ? {}
          : {
              errorAction: actionOf(
                template,
                payload.ErrorAction,
                `${where} error action`,
                intrinsics.resolve,
              ),
            }),
      };
    });
