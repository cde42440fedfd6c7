/** What happened to the events this page tracked (and adopted from earlier pages). */
export interface TrackerStats {
  /** Events the collector stored. */
  accepted: number;
  /** Events the collector refused for good, entry by entry (a 207's non-retryable entries). */
  refused: number;
  /** Events dropped with a request the collector refused as a whole (400 or 413 for one event, 403, 404, 415…). */
  rejected: number;
  /** The collector's reason for the last rejection, e.g. `403: origin not allowed`. */
  lastRejection: string | undefined;
  /** Events dropped, never sent, because the queue was at its limit. */
  dropped: number;
  /** Events handed to `navigator.sendBeacon`, whose delivery is never known. */
  beaconed: number;
  /** Requests that failed and were (or will be) tried again. */
  retries: number;
}

export const emptyStats = (): TrackerStats => ({
  accepted: 0,
  refused: 0,
  rejected: 0,
  lastRejection: undefined,
  dropped: 0,
  beaconed: 0,
  retries: 0,
});
