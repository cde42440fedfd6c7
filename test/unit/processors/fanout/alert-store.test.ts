import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import type { Transition } from '../../../../processors/fanout/alert-state.ts';
import { AlertCache, applyAlertStep } from '../../../../processors/fanout/alert-store.ts';

type Sent = { name: string; input: Record<string, unknown> };

/** A DynamoDB client stand-in: answers each command with the next scripted reply (or {}). */
const fakeClient = (replies: Array<(input: Record<string, unknown>) => unknown>) => {
  const sent: Sent[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      const reply = replies.shift();
      return reply ? reply(command.input) : {};
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, sent };
};

const conflict = (item: Record<string, unknown>) => () => {
  throw new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: marshall(item),
  });
};

describe('applyAlertStep', () => {
  const transition: Transition = {
    id: 'r#s#OPEN#2026-11-22T05:03Z',
    rule: 'r',
    subject: 's',
    state: 'OPEN',
    severity: 'warning',
    value: 1,
    threshold: 0,
    window: '2026-11-22T05:03Z',
    openedAt: '2026-11-22T05:03Z',
    description: 'test',
  };
  const identity = { alertId: 'r#s', rule: 'r', subject: 's' };
  const fakeSns = () => {
    const published: unknown[] = [];
    return {
      sns: { send: async (c: { input: unknown }) => published.push(c.input) } as unknown as SNSClient,
      published,
    };
  };

  it('publishes a transition only after winning its conditional write, then marks it published', async () => {
    const { client, sent } = fakeClient([() => ({ Item: undefined })]);
    const { sns, published } = fakeSns();

    const made = await applyAlertStep({ client, sns, tableName: 'A', topicArn: 'arn' }, identity, () => ({
      transition,
    }));

    expect(made).toBe(transition);
    expect(published).toHaveLength(1);
    expect(sent.map((s) => s.name)).toEqual(['GetCommand', 'UpdateCommand', 'UpdateCommand']);
    expect(sent[1]?.input.ConditionExpression).toBe('attribute_not_exists(#version)');
    expect(sent[2]?.input.ConditionExpression).toBe('#transition.#id = :id');
  });

  it('keeps marking a published transition through a table outage rather than failing into a second publish', async () => {
    // Prepare: the table answers the first two marks with a connection error (DynamoDB restarting).
    vi.useFakeTimers();
    const outage = () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
    };
    const { client, sent } = fakeClient([() => ({ Item: undefined }), () => ({}), outage, outage]);
    const { sns, published } = fakeSns();

    // Act
    const applying = applyAlertStep({ client, sns, tableName: 'A', topicArn: 'arn' }, identity, () => ({
      transition,
    }));
    await vi.runAllTimersAsync();
    await applying;
    vi.useRealTimers();

    // Assess: published once, the mark written on its third attempt.
    expect(published).toHaveLength(1);
    expect(sent.map((s) => s.name)).toEqual([
      'GetCommand',
      'UpdateCommand',
      'UpdateCommand',
      'UpdateCommand',
      'UpdateCommand',
    ]);
  });

  it('after losing the race, re-reads and decides nothing twice', async () => {
    const { client } = fakeClient([
      () => ({ Item: undefined }),
      conflict({}),
      () => ({
        Item: { alertId: 'r#s', version: 1, state: 'OPEN', transition: { ...transition, published: true } },
      }),
    ]);
    const { sns, published } = fakeSns();

    const made = await applyAlertStep({ client, sns, tableName: 'A', topicArn: 'arn' }, identity, (stored) =>
      stored.state === 'OPEN' ? undefined : { transition },
    );

    expect(made).toBeUndefined();
    expect(published).toHaveLength(0);
  });

  it('republishes a transition an earlier attempt wrote but did not mark published', async () => {
    const { client } = fakeClient([
      () => ({
        Item: { alertId: 'r#s', version: 1, state: 'OPEN', transition: { ...transition, published: false } },
      }),
    ]);
    const { sns, published } = fakeSns();

    await applyAlertStep({ client, sns, tableName: 'A', topicArn: 'arn' }, identity, () => undefined);

    expect(published).toHaveLength(1);
    expect(JSON.parse((published[0] as { Message: string }).Message).id).toBe(transition.id);
  });

  it('skips the read of an item this environment wrote last, and re-reads when another writer changed it', async () => {
    // Prepare: batch 1 reads and writes version 1; batch 2 uses the cached item and wins; batch 3's
    // conditional write fails (someone else wrote version 3), so it reads the item and retries.
    const cache = new AlertCache();
    const recent = { '2026-11-22T05:03Z': { value: 1, count: 1 } };
    const { client, sent } = fakeClient([
      () => ({ Item: undefined }),
      (input) => ({
        Attributes: {
          alertId: 'r#s',
          version: 1,
          recent: (input.ExpressionAttributeValues as Record<string, unknown>)[':recent'],
        },
      }),
      () => ({ Attributes: { alertId: 'r#s', version: 2, recent } }),
      conflict({}),
      () => ({ Item: { alertId: 'r#s', version: 3, recent } }),
      () => ({ Attributes: { alertId: 'r#s', version: 4, recent } }),
    ]);
    const { sns } = fakeSns();
    const options = { client, sns, tableName: 'A', topicArn: 'arn', cache };

    // Act
    for (let batch = 0; batch < 3; batch++) await applyAlertStep(options, identity, () => ({ recent }));

    // Assess
    expect(sent.map((s) => s.name)).toEqual([
      'GetCommand',
      'UpdateCommand',
      'UpdateCommand',
      'UpdateCommand',
      'GetCommand',
      'UpdateCommand',
    ]);
    expect(
      sent
        .filter((s) => s.name === 'UpdateCommand')
        .map((s) => (s.input.ExpressionAttributeValues as Record<string, unknown>)[':expected']),
    ).toEqual([undefined, 1, 2, 3]);
    expect(cache.get('r#s')?.version).toBe(4);
  });

  it('forgets the item when a write fails for another reason, so the next batch reads it again', async () => {
    // Prepare
    const cache = new AlertCache();
    cache.set({ alertId: 'r#s', version: 7 });
    const { client, sent } = fakeClient([
      () => {
        throw new Error('socket hang up');
      },
    ]);
    const { sns } = fakeSns();

    // Act
    const attempt = applyAlertStep({ client, sns, tableName: 'A', topicArn: 'arn', cache }, identity, () => ({
      recent: {},
    }));

    // Assess
    await expect(attempt).rejects.toThrow('socket hang up');
    expect(sent.map((s) => s.name)).toEqual(['UpdateCommand']);
    expect(cache.get('r#s')).toBeUndefined();
  });

  it('keeps an item it wrote nothing to in the cache only when the caller remembers what it saw', async () => {
    // Prepare: the silence check's steps pass no `remember` (others write those items); stream rules do.
    const cache = new AlertCache();
    const { client, sent } = fakeClient([
      () => ({ Item: { alertId: 'r#s', version: 3 } }),
      () => ({ Item: { alertId: 'r#s', version: 3 } }),
    ]);
    const { sns } = fakeSns();
    const options = { client, sns, tableName: 'A', topicArn: 'arn', cache };

    // Act
    await applyAlertStep(options, identity, () => undefined);
    const afterSilence = cache.get('r#s');
    await applyAlertStep(
      options,
      identity,
      () => undefined,
      () => ({ 'p 2026-11-22T05:03Z': 4 }),
    );
    await applyAlertStep(options, identity, (_stored, context) => {
      expect(context).toEqual({ fresh: false, seen: { 'p 2026-11-22T05:03Z': 4 } });
      return undefined;
    });

    // Assess
    expect(afterSilence).toBeUndefined();
    expect(sent.map((s) => s.name)).toEqual(['GetCommand', 'GetCommand']);
    expect(cache.get('r#s')?.version).toBe(3);
  });
});
