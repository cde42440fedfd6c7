import { describe, expect, it } from 'vitest';
import type { StackResources } from '../../../../../infra/local/stack-resources.ts';
import { cloudStateOf } from '../../../../../infra/local/start-up/saved-state.ts';
import type { CloudPlan } from '../../../../../infra/local/template.ts';

const named = (name: string) => ({ logicalId: name, name, arn: `arn:${name}` });

describe('cloudStateOf', () => {
  it('names the resources of each role, every bucket and where the servers listen', () => {
    // Prepare
    const resources = {
      lakeBucket: named('lake'),
      rollupsTable: named('rollups'),
      eventStream: named('events'),
    } as unknown as StackResources;
    const plan = { buckets: [named('access-logs'), named('lake')] } as unknown as CloudPlan;
    const endpoints = { kinesis: 'http://k', dynamodb: 'http://d', s3: 'http://s', sns: 'http://n' };

    // Act
    const state = cloudStateOf('/state/s3', plan, resources, endpoints);

    // Assess
    expect(state).toEqual({
      lakeBucket: 'lake',
      s3Directory: '/state/s3',
      rollupsTable: 'rollups',
      eventStream: 'events',
      buckets: ['access-logs', 'lake'],
      endpoints,
    });
  });

  it('names the collector, the demo shop and the MQTT broker when they run', () => {
    // Prepare
    const resources = {
      lakeBucket: named('lake'),
      rollupsTable: named('rollups'),
      eventStream: named('events'),
    } as unknown as StackResources;
    const plan = { buckets: [named('lake')] } as unknown as CloudPlan;
    const endpoints = { kinesis: 'http://k', dynamodb: 'http://d', s3: 'http://s', sns: 'http://n' };

    // Act
    const state = cloudStateOf('/state/s3', plan, resources, endpoints, {
      collector: 'http://127.0.0.1:4100/prod/v1/events',
      shop: 'http://127.0.0.1:4571/',
      mqtt: 'mqtts://127.0.0.1:4572',
    });

    // Assess
    expect(state).toMatchObject({
      collector: 'http://127.0.0.1:4100/prod/v1/events',
      shop: 'http://127.0.0.1:4571/',
      mqtt: 'mqtts://127.0.0.1:4572',
    });
    expect(state).not.toHaveProperty('faults');
  });
});
