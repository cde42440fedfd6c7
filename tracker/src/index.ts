export type { StorageLike, TrackerWindow } from './browser.ts';
export type { EventFields, EventType, TrackedEvent, TrackedEvents } from './events.ts';
export type { BatchOptions, TrackerOptions } from './options.ts';
export type { TrackerStats } from './stats.ts';
export { createTracker, type Tracker } from './tracker.ts';
