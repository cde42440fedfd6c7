import type { FrontDoorCounts } from './front-door-counts.ts';
import type { LogFigures } from './function-logs.ts';
import {
  type StreamFigures,
  type StreamFiguresBeforeBatches,
  upgradedStreamFigures,
} from './stream-figures.ts';
import type { TemplateFigures } from './template-figures.ts';

/** One function as the run measured it (AWS/Lambda metrics of the local runtime) and as the template sizes it. */
export interface FunctionFigures {
  /** Its role in the stack (`aggregate`, `archive`, `fanout`, `silentDeviceCheck`), else its logical id. */
  readonly role: string;
  readonly name: string;
  readonly memoryMb: number;
  readonly invocations: number;
  /** Σ local durations, ms; Lambda bills each rounded up to 1 ms, added as ½ ms per invocation. */
  readonly durationMs: number;
  /** Of it, the time the environment's thread ran rather than waited (scales with CPU); the rest waited on I/O. */
  readonly busyMs: number;
  /** Its Powertools `service` (the name its log lines and EMF carry). */
  readonly service?: string;
}

/** Everything a counting run measured; the cost model (model.ts) prices it. */
export interface Measured {
  /** Events/s the producers were asked for, what they sent, and for how long. */
  readonly targetRate: number;
  readonly runRate: number;
  readonly runSeconds: number;
  /** Web events per collector request the producers were set to (the tracker's default). */
  readonly webEventsPerRequest: number;
  /** The stream the run left: every record it accepted, sized per service's metering. */
  readonly stream: StreamFigures;
  /** Standard consumers of the event stream the template declares (event source mappings, Firehose). */
  readonly streamConsumers: number;
  readonly functions: readonly FunctionFigures[];
  readonly frontDoor: FrontDoorCounts;
  readonly logs: LogFigures;
  /** The web collector's requests, events it accepted, and the bytes its access log took. */
  readonly api: { readonly requests: number; readonly events: number; readonly accessLogBytes: number };
  /** MQTT publishes accepted, rules triggered and rule actions run. */
  readonly iot: { readonly messages: number; readonly rulesTriggered: number; readonly actions: number };
  readonly template: TemplateFigures;
}

/** A run as `--save` wrote it, today or before records held batches (D36). */
export type SavedMeasured = Omit<Measured, 'stream'> & {
  readonly stream: StreamFigures | StreamFiguresBeforeBatches;
};

/** A saved run in today's shape: one saved before batches had one event per record. */
export const measuredOf = (saved: SavedMeasured): Measured => ({
  ...saved,
  stream: upgradedStreamFigures(saved.stream),
});
