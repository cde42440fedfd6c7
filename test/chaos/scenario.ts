/** What one fault scenario found, in the three figures `npm run chaos` promises to keep at 0. */
export interface Outcome {
  /** Events the stream accepted that a rollup or the lake does not hold (verify's `lost`, `missing`). */
  readonly lost: number;
  /** Events counted or stored more than once (verify's `counted twice`, `stored twice`, surplus). */
  readonly doubleCounted: number;
  /** The same alert transition published more than once to the alerts topic. */
  readonly duplicateAlerts: number;
  /** Anything else that makes the scenario fail (a command's exit code, a check that did not hold). */
  readonly failures: readonly string[];
  /** One line of what was done and seen, for the report. */
  readonly detail: string;
}

export interface ScenarioContext {
  /** A fresh folder for this scenario's state. */
  readonly stateDir: string;
  /** First of the loopback ports the scenario's local cloud may use (it takes six from there). */
  readonly basePort: number;
  /** Lines of progress, shown under `--verbose`. */
  readonly log: (line: string) => void;
}

export interface Scenario {
  /** Short name, used by `--only`. */
  readonly name: string;
  /** What fault it injects, in a few words. */
  readonly fault: string;
  /** Fast enough for `npm test` (the integration tests run it too). */
  readonly fast?: boolean;
  run(context: ScenarioContext): Promise<Outcome>;
}

export const survived = (outcome: Outcome): boolean =>
  outcome.lost === 0 &&
  outcome.doubleCounted === 0 &&
  outcome.duplicateAlerts === 0 &&
  outcome.failures.length === 0;
