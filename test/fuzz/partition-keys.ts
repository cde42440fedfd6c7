import type { SeededRandom } from '../../producers/random.ts';
import { word } from './context.ts';

/** The key a record is put with: mostly its identity, else marked, 256 characters long, or not ASCII. */
export const partitionKeyFor = (r: SeededRandom, runId: string, n: number, identity?: unknown): string => {
  const roll = r.float();
  if (roll < 0.6 && typeof identity === 'string' && identity.length >= 1 && identity.length <= 256)
    return identity;
  if (roll < 0.85) return `fuzz-${runId}-${word(r, 1, 24)}`;
  if (roll < 0.95) return `${runId}-${n}-`.padEnd(256, 'k');
  return r.pick(['ключ', 'κλειδί', '鍵', '😀', 'é']) + n;
};

/** The sessionId or deviceId a malformed record's JSON text still names, if any. */
export const identityOf = (data: Uint8Array | string): unknown => {
  if (typeof data !== 'string' || data.length > 4_096) return undefined;
  const match = /"(?:sessionId|deviceId)":"([\x20-\x21\x23-\x5b\x5d-\x7e]{1,200})"/.exec(data);
  return match?.[1];
};
