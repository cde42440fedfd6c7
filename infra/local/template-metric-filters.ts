import type { MetricFilterPlan, MetricTransformationPlan } from './logs/metric-filter-plan.ts';
import { refsIn } from './logs/metric-filter-plan.ts';
import type { Template } from './template.ts';

type Props = Record<string, unknown>;

const transformationOf = (declared: Props, where: string): MetricTransformationPlan => {
  const dimensions = (declared.Dimensions as { Key?: unknown; Value?: unknown }[] | undefined) ?? [];
  return {
    namespace: String(declared.MetricNamespace),
    name: String(declared.MetricName),
    value: String(declared.MetricValue),
    ...(declared.DefaultValue === undefined ? {} : { defaultValue: Number(declared.DefaultValue) }),
    dimensions: Object.fromEntries(
      dimensions.map((d) => {
        if (typeof d.Key !== 'string' || typeof d.Value !== 'string')
          throw new Error(
            `${where}: a dimension needs a Key and a $.field Value (given ${JSON.stringify(d)})`,
          );
        return [d.Key, d.Value];
      }),
    ),
  };
};

/** The template's metric filters on log groups it declares (a filter on a log group made elsewhere has no local lines). */
export const metricFiltersFromTemplate = (template: Template): MetricFilterPlan[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Logs::MetricFilter')
    .flatMap(([id, resource]) => {
      const props = (resource.Properties ?? {}) as Props;
      const logGroup = refsIn(props.LogGroupName).find(
        (ref) => template.Resources[ref]?.Type === 'AWS::Logs::LogGroup',
      );
      if (!logGroup) return [];
      const declared = (props.MetricTransformations as Props[] | undefined) ?? [];
      return [
        {
          logicalId: id,
          logGroupLogicalId: logGroup,
          pattern: String(props.FilterPattern ?? ''),
          transformations: declared.map((t) => transformationOf(t, `metric filter ${id}`)),
        },
      ];
    });
