import { FaultRequestError } from './fault-request-error.ts';

/**
 * How an injected function fault fails an invocation: `crash` ends the execution environment part-way
 * through the handler (Runtime.ExitError); `timeout` lets the handler finish, then keeps the environment
 * past its deadline (Sandbox.Timedout), so its writes landed and yet the batch is retried.
 */
export const FUNCTION_FAULT_EFFECTS = ['crash', 'timeout'] as const;
export type FunctionFaultEffect = (typeof FUNCTION_FAULT_EFFECTS)[number];

/** Faults still to fail an invocation and those that did: in all, and per effect. */
export interface FunctionFaultCounts {
  readonly pending: number;
  readonly done: number;
  readonly byEffect: Record<FunctionFaultEffect, { readonly pending: number; readonly done: number }>;
}

/** Most invocations one request may fault: a scenario needs a few, never an endless outage. */
const MOST_INVOCATIONS = 1_000;

/** Reads a `POST /functions/<name>/faults` body, or throws naming the bad value. */
export const functionFaultRequestOf = (
  body: unknown,
): { effect: FunctionFaultEffect; invocations: number } => {
  const { effect, invocations, ...rest } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (Object.keys(rest).length > 0) {
    throw new FaultRequestError(
      `unknown field ${Object.keys(rest).join(', ')}: a function fault has effect, invocations`,
    );
  }
  assertFunctionFault(effect, invocations);
  return { effect, invocations: invocations as number };
};

/** Throws naming the bad value unless `effect` is a function fault and `invocations` a count of 1..1000. */
export function assertFunctionFault(
  effect: unknown,
  invocations: unknown,
): asserts effect is FunctionFaultEffect {
  if (!FUNCTION_FAULT_EFFECTS.includes(effect as FunctionFaultEffect)) {
    throw new FaultRequestError(
      `effect must be one of ${FUNCTION_FAULT_EFFECTS.join(', ')} (given ${JSON.stringify(effect)})`,
    );
  }
  if (
    !Number.isInteger(invocations) ||
    (invocations as number) < 1 ||
    (invocations as number) > MOST_INVOCATIONS
  ) {
    throw new FaultRequestError(
      `invocations must be a whole number from 1 to ${MOST_INVOCATIONS} (given ${JSON.stringify(invocations)})`,
    );
  }
}

/** The faults waiting for a function's next invocations, in the order they were asked for. */
export class FunctionFaults {
  private readonly queue: FunctionFaultEffect[] = [];
  private readonly fired: Record<FunctionFaultEffect, number> = { crash: 0, timeout: 0 };

  /** The next `invocations` invocations (after those already faulted) fail with `effect`. */
  inject(effect: FunctionFaultEffect, invocations: number): void {
    assertFunctionFault(effect, invocations);
    for (let i = 0; i < invocations; i++) this.queue.push(effect);
  }

  /** The fault the invocation starting now carries, if any; it is no longer pending. */
  take(): FunctionFaultEffect | undefined {
    return this.queue.shift();
  }

  /** An invocation failed the way its fault says. */
  done(effect: FunctionFaultEffect): void {
    this.fired[effect]++;
  }

  counts(): FunctionFaultCounts {
    const pendingOf = (effect: FunctionFaultEffect) =>
      this.queue.filter((queued) => queued === effect).length;
    const byEffect = {
      crash: { pending: pendingOf('crash'), done: this.fired.crash },
      timeout: { pending: pendingOf('timeout'), done: this.fired.timeout },
    };
    return { pending: this.queue.length, done: this.fired.crash + this.fired.timeout, byEffect };
  }
}
