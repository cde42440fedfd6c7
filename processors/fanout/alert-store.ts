import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RecentMinutes } from './alert-evaluation.ts';
import { type AlertStatus, alertMessageOf, type Transition } from './alert-state.ts';
import { logAlertTransition } from './telemetry.ts';

export interface AlertStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly tableName: string;
  readonly topicArn: string;
}

/** An alert state item: one per (rule, subject), key `alertId` = `<rule>#<subject>`. */
export interface StoredAlert extends AlertStatus {
  readonly alertId: string;
  readonly version?: number;
  readonly recent?: RecentMinutes;
  /** The last transition won, with whether its message is known to be published. */
  readonly transition?: Transition & { readonly published: boolean };
}

/** What a step wants written: new recent minutes and/or a transition. Undefined: nothing to write. */
export interface AlertStep {
  readonly recent?: RecentMinutes;
  readonly transition?: Transition;
}

/** How often an alert item is re-read after losing a race to another writer before the batch fails. */
const MAX_ATTEMPTS = 8;

/**
 * Applies one step to an alert's state and publishes the transition it decides, at least once and
 * without duplicates short of a crash between publish and the `published` mark:
 * 1. read the item; an unpublished transition left by an earlier attempt is published first;
 * 2. decide (pure); 3. write state + transition (`published=false`) only if `version` is unchanged,
 *    so of concurrent writers or re-deliveries exactly one wins each transition;
 * 4. publish; 5. mark it published (only if it is still the item's transition).
 */
export const applyAlertStep = async (
  options: AlertStoreOptions,
  identity: { alertId: string; rule: string; subject: string },
  step: (stored: StoredAlert) => AlertStep | undefined,
): Promise<Transition | undefined> => {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const got = await options.client.send(
      new GetCommand({
        TableName: options.tableName,
        Key: { alertId: identity.alertId },
        ConsistentRead: true,
      }),
    );
    const stored = (got.Item ?? { alertId: identity.alertId }) as StoredAlert;
    if (stored.transition && !stored.transition.published) await publish(options, stored.transition);
    const next = step(stored);
    if (!next || (!next.transition && next.recent === undefined)) return undefined;
    try {
      await options.client.send(new UpdateCommand(stateUpdate(options.tableName, identity, stored, next)));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) continue;
      throw error;
    }
    if (next.transition) await publish(options, next.transition);
    return next.transition;
  }
  throw new Error(
    `alert ${identity.alertId} changed under us ${MAX_ATTEMPTS} times in a row; retrying the batch`,
  );
};

const stateUpdate = (
  tableName: string,
  identity: { alertId: string; rule: string; subject: string },
  stored: StoredAlert,
  next: AlertStep,
) => {
  const names: Record<string, string> = { '#version': 'version', '#rule': 'rule', '#subject': 'subject' };
  const values: Record<string, unknown> = {
    ':next': (stored.version ?? 0) + 1,
    ':rule': identity.rule,
    ':subject': identity.subject,
  };
  const sets = ['#version = :next', '#rule = :rule', '#subject = :subject'];
  if (next.recent !== undefined) {
    names['#recent'] = 'recent';
    values[':recent'] = next.recent;
    sets.push('#recent = :recent');
  }
  const transition = next.transition;
  if (transition) {
    Object.assign(names, { '#state': 'state', '#transition': 'transition', '#openedAt': 'openedAt' });
    Object.assign(values, {
      ':state': transition.state,
      ':transition': { ...transition, published: false },
      ':openedAt': transition.openedAt,
    });
    sets.push('#state = :state', '#transition = :transition', '#openedAt = :openedAt');
    if (transition.resolvedAt) {
      names['#resolvedAt'] = 'resolvedAt';
      values[':resolvedAt'] = transition.resolvedAt;
      sets.push('#resolvedAt = :resolvedAt');
    }
  }
  const expected = stored.version;
  if (expected !== undefined) values[':expected'] = expected;
  return {
    TableName: tableName,
    Key: { alertId: identity.alertId },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: expected === undefined ? 'attribute_not_exists(#version)' : '#version = :expected',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

const publish = async (options: AlertStoreOptions, transition: Transition): Promise<void> => {
  const { published: _, ...message } = transition as Transition & { published?: boolean };
  await options.sns.send(new PublishCommand({ TopicArn: options.topicArn, ...alertMessageOf(message) }));
  logAlertTransition(message);
  try {
    await options.client.send(
      new UpdateCommand({
        TableName: options.tableName,
        Key: { alertId: `${transition.rule}#${transition.subject}` },
        UpdateExpression: 'SET #transition.#published = :true',
        ConditionExpression: '#transition.#id = :id',
        ExpressionAttributeNames: { '#transition': 'transition', '#published': 'published', '#id': 'id' },
        ExpressionAttributeValues: { ':true': true, ':id': transition.id },
      }),
    );
  } catch (error) {
    // A newer transition replaced this one: it was published before it could be replaced.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
};
