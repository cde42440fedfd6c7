import { randomUUID } from 'node:crypto';

/**
 * Valid page views spread over this many marked pages, valid readings over this many marked devices (few:
 * each goes silent after the run, and the silent-device check alerts on it).
 */
export const MARKED_PAGES = 16;
export const MARKED_DEVICES = 4;
const MARKED_SESSIONS = 64;

/** The page of the n-th valid page view of a run. */
export const markedPage = (runId: string, n: number) => `/fuzz/${runId}/${n % MARKED_PAGES}`;
/** The device of the n-th valid reading of a run. */
export const markedDevice = (runId: string, n: number) => `fuzz-${runId}-${n % MARKED_DEVICES}`;
/** The session of the n-th event of a run. */
export const markedSession = (runId: string, n: number) => `fuzz-${runId}-s${n % MARKED_SESSIONS}`;
/** Prefixes of a run's marked values: pages (`/fuzz/<runId>/`), devices and sessions (`fuzz-<runId>-`). */
export const runMarkers = (runId: string) => ({ page: `/fuzz/${runId}/`, id: `fuzz-${runId}-` });

/** A fresh run id: 8 hex digits. */
export const newRunId = () => randomUUID().slice(0, 8);
