/** The consumers' size limit (MAX_EVENT_BYTES): larger records are quarantined as oversize, never parsed. */
export const MAX_EVENT_BYTES = 65_536;
/** "900 KB strings": under Kinesis' 1 MiB record limit, so they can be put, far over MAX_EVENT_BYTES. */
export const HUGE_STRING_BYTES = 900 * 1024;
/** JSON nested this deep (arrays: 2 bytes a level, 60 KB) stays under MAX_EVENT_BYTES. */
export const DEEP_NESTING = 30_000;
