/**
 * Where the consumers write in the lake bucket, unless the stack says otherwise (it sets LAKE_PREFIX and
 * QUARANTINE_PREFIX on the functions from these same defaults, infra/defaults.ts). One home, so the commands
 * that read the lake and the quarantine find what the functions wrote.
 */
export const DEFAULT_LAKE_PREFIX = 'lake/';
export const DEFAULT_QUARANTINE_PREFIX = 'quarantine/';
