import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RecentMinutes } from './alert-evaluation.ts';
import type { SeenCounts, StepContext } from './alert-quiet.ts';
import { type AlertStatus, alertMessageOf, type Transition } from './alert-state.ts';
import { logAlertTransition } from './telemetry.ts';

export interface AlertStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly tableName: string;
  readonly topicArn: string;
  /**
   * The items this execution environment last wrote, to skip re-reading them on the next batch. Only
   * an optimisation: every write is still conditional on the item's version, and a failed condition
   * (another writer, a re-delivery elsewhere) drops the entry and reads the item again.
   */
  readonly cache?: AlertCache;
}

/**
 * Alert items as this environment last wrote (or, for stream rules, last read) them, by alertId, with the
 * source images it folded in since (`SeenCounts`, which lets a quiet batch trust the entry); bounded, cleared
 * when full.
 */
export class AlertCache {
  private readonly items = new Map<string, { readonly item: StoredAlert; readonly seen: SeenCounts }>();

  constructor(private readonly capacity = 10_000) {}

  get(alertId: string): StoredAlert | undefined {
    return this.items.get(alertId)?.item;
  }

  seenOf(alertId: string): SeenCounts | undefined {
    return this.items.get(alertId)?.seen;
  }

  set(item: StoredAlert, seen: SeenCounts = {}): void {
    if (this.items.size >= this.capacity && !this.items.has(item.alertId)) this.items.clear();
    this.items.set(item.alertId, { item, seen });
  }

  delete(alertId: string): void {
    this.items.delete(alertId);
  }
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
 * With `remember`, a step that writes nothing keeps the item it decided on in the cache, with what
 * `remember` says was seen (stream rules: a quiet batch, D35); without it such an item is not cached,
 * so the next decision reads it again.
 */
export const applyAlertStep = async (
  options: AlertStoreOptions,
  identity: { alertId: string; rule: string; subject: string },
  step: (stored: StoredAlert, context: StepContext) => AlertStep | undefined,
  remember?: (seenBefore: SeenCounts | undefined) => SeenCounts,
): Promise<Transition | undefined> => {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { stored, context } = await currentOf(options, identity.alertId, attempt === 0);
    const pending = stored.transition !== undefined && !stored.transition.published;
    if (stored.transition && pending) await publish(options, stored.transition);
    const next = step(stored, context);
    if (!next || (!next.transition && next.recent === undefined)) {
      // Nothing written: the item is still as decided on, unless a transition was just marked published.
      if (pending) options.cache?.delete(identity.alertId);
      else if (remember) options.cache?.set(stored, remember(context.seen));
      return undefined;
    }
    if (!(await writeStep(options, identity, stored, next, () => remember?.(context.seen)))) continue;
    if (next.transition) await publish(options, next.transition);
    return next.transition;
  }
  throw new Error(
    `alert ${identity.alertId} changed under us ${MAX_ATTEMPTS} times in a row; retrying the batch`,
  );
};

/** The item from this environment's cache (first attempt only) or read consistently from the table. */
const currentOf = async (
  options: AlertStoreOptions,
  alertId: string,
  cacheAllowed: boolean,
): Promise<{ stored: StoredAlert; context: StepContext }> => {
  const cached = cacheAllowed ? options.cache?.get(alertId) : undefined;
  if (cached) return { stored: cached, context: { fresh: false, seen: options.cache?.seenOf(alertId) } };
  return { stored: await read(options, alertId), context: { fresh: true } };
};

/** The conditional write of a step; false when another writer moved the version first. */
const writeStep = async (
  options: AlertStoreOptions,
  identity: { alertId: string; rule: string; subject: string },
  stored: StoredAlert,
  next: AlertStep,
  seen: () => SeenCounts | undefined,
): Promise<boolean> => {
  const { cache } = options;
  // Forget the item until the write is known to have succeeded: a lost response leaves it unknown.
  cache?.delete(identity.alertId);
  try {
    const written = await options.client.send(
      new UpdateCommand({
        ...stateUpdate(options.tableName, identity, stored, next),
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!next.transition) cache?.set(written.Attributes as StoredAlert, seen());
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

const read = async (options: AlertStoreOptions, alertId: string): Promise<StoredAlert> => {
  const got = await options.client.send(
    new GetCommand({ TableName: options.tableName, Key: { alertId }, ConsistentRead: true }),
  );
  return (got.Item ?? { alertId }) as StoredAlert;
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

/**
 * Once SNS accepted a transition, the `published` mark is all that stands between an outage of the table and a
 * second publish on the batch's retry: the mark is retried patiently (≈ 20 s in all, within the function's
 * timeout) rather than failing the invocation at the SDK's third attempt.
 */
const MARK_ATTEMPTS = 8;
const MARK_FIRST_DELAY_MS = 250;
const MARK_MAX_DELAY_MS = 4_000;

const publish = async (options: AlertStoreOptions, transition: Transition): Promise<void> => {
  const { published: _, ...message } = transition as Transition & { published?: boolean };
  await options.sns.send(new PublishCommand({ TopicArn: options.topicArn, ...alertMessageOf(message) }));
  logAlertTransition(message);
  await markPublished(options, transition);
};

const markPublished = async (options: AlertStoreOptions, transition: Transition): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
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
      return;
    } catch (error) {
      // A newer transition replaced this one: it was published before it could be replaced.
      if (error instanceof ConditionalCheckFailedException) return;
      if (attempt >= MARK_ATTEMPTS) throw error;
      const delay = Math.min(MARK_MAX_DELAY_MS, MARK_FIRST_DELAY_MS * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
};
