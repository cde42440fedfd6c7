/**
 * When a server that crashed is started again, and when restarting stops: a server that dies again and
 * again (a corrupt database, a port someone else took, no memory) is not restarted forever, quickly.
 */
export interface RestartPolicy {
  /** Wait before a first restart; doubled for each restart already made within the window. @default 500 */
  readonly firstDelayMs: number;
  /** The longest wait between restarts. @default 10_000 */
  readonly maxDelayMs: number;
  /** Restarts allowed within the window; one more exit and restarting stops. @default 5 */
  readonly maxRestarts: number;
  /** @default 60_000 */
  readonly windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 500,
  maxDelayMs: 10_000,
  maxRestarts: 5,
  windowMs: 60_000,
};

export type RestartDecision =
  | { readonly restart: true; readonly delayMs: number }
  | { readonly restart: false; readonly restartsInWindow: number };

/**
 * Whether to restart a server that exited at `nowMs`, and after how long, given when it was restarted
 * before (`restartedAtMs`, oldest first).
 */
export const nextRestart = (
  restartedAtMs: readonly number[],
  nowMs: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): RestartDecision => {
  const restartsInWindow = restartedAtMs.filter((at) => nowMs - at < policy.windowMs).length;
  if (restartsInWindow >= policy.maxRestarts) return { restart: false, restartsInWindow };
  const delayMs = Math.min(policy.firstDelayMs * 2 ** restartsInWindow, policy.maxDelayMs);
  return { restart: true, delayMs };
};
