import type {
  ApiKeyPlan,
  MethodPlan,
  QuotaPlan,
  StagePlan,
  ThrottlePlan,
  UsagePlanPlan,
} from './api-plan.ts';
import { TokenBucket } from './token-bucket.ts';

/** AWS's default account-level limit for REST APIs in a region. */
export const ACCOUNT_THROTTLE: ThrottlePlan = { rateLimit: 10_000, burstLimit: 5_000 };

/** What a request is, for its throttles: where it goes and, for methods that require one, its key's plan. */
export interface ThrottledRequest {
  readonly apiLogicalId: string;
  readonly stage: StagePlan;
  readonly method: MethodPlan;
  readonly usage?: { readonly plan: UsagePlanPlan; readonly key: ApiKeyPlan };
}

/** The UTC day, week (from Monday) or month a quota counts in. */
const quotaWindow = (period: QuotaPlan['period'], nowMs: number): string => {
  const at = new Date(nowMs);
  if (period === 'MONTH') return `${at.getUTCFullYear()}-${at.getUTCMonth()}`;
  const day = Math.floor(nowMs / 86_400_000);
  // Day 0 (1970-01-01) was a Thursday: days since the Monday before it, by weeks.
  return period === 'WEEK' ? `w${Math.floor((day + 3) / 7)}` : `d${day}`;
};

/**
 * The throttles API Gateway applies before a method runs, all of which must have a token: the account's, the
 * stage's for the method (MethodSettings), and for a method that requires an API key its usage plan's, per key
 * and per method; then the plan's quota per key.
 */
export class RequestThrottles {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly quotaUse = new Map<string, { window: string; used: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether the request may pass; when it may, its tokens and quota are spent. */
  admit(request: ThrottledRequest): 'THROTTLED' | 'QUOTA_EXCEEDED' | undefined {
    const nowMs = this.now();
    const buckets = this.bucketsFor(request, nowMs);
    if (!buckets.every((bucket) => bucket.hasToken(nowMs))) return 'THROTTLED';
    if (request.usage?.plan.quota && !this.spendQuota(request.usage, request.usage.plan.quota, nowMs)) {
      return 'QUOTA_EXCEEDED';
    }
    for (const bucket of buckets) bucket.take(nowMs);
    return undefined;
  }

  private bucketsFor(request: ThrottledRequest, nowMs: number): TokenBucket[] {
    const { method, stage, usage } = request;
    const methodKey = `${method.resourcePath}/${method.httpMethod}`;
    const stageLimit = stage.methodThrottles[methodKey] ?? stage.methodThrottles['*'];
    const planStage = usage?.plan.stages[stage.stageName];
    const limits: [string, ThrottlePlan | undefined][] = [
      ['account', ACCOUNT_THROTTLE],
      [`stage ${request.apiLogicalId} ${stage.stageName} ${methodKey}`, stageLimit],
      [`plan ${usage?.plan.logicalId} ${usage?.key.logicalId}`, usage?.plan.throttle],
      [`plan ${usage?.plan.logicalId} ${usage?.key.logicalId} ${methodKey}`, planStage?.[methodKey]],
    ];
    return limits.flatMap(([key, limit]) => (limit ? [this.bucket(key, limit, nowMs)] : []));
  }

  private bucket(key: string, limit: ThrottlePlan, nowMs: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private spendQuota(
    usage: NonNullable<ThrottledRequest['usage']>,
    quota: QuotaPlan,
    nowMs: number,
  ): boolean {
    const key = `${usage.plan.logicalId} ${usage.key.logicalId}`;
    const window = quotaWindow(quota.period, nowMs);
    const use = this.quotaUse.get(key);
    const used = use?.window === window ? use.used : 0;
    if (used >= quota.limit) return false;
    this.quotaUse.set(key, { window, used: used + 1 });
    return true;
  }
}
