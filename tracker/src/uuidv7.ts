/**
 * A UUIDv7 (RFC 9562) as producers/event-ids.ts makes them: the 48-bit Unix millisecond time, version 7, the
 * variant 10 and 74 random bits, here from `crypto.getRandomValues` (no node:crypto in a browser). Never from
 * an injected or seeded random: event ids must be unique across every browser.
 */
export const uuidv7 = (unixMs: number): string => {
  const time = Math.floor(unixMs).toString(16).padStart(12, '0');
  let hex = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(10))) hex += byte.toString(16).padStart(2, '0');
  // 3 + 3 + 12 random hex digits and 2 random bits beside the variant's 10: 74 random bits.
  const variant = ((Number.parseInt(hex[18] as string, 16) & 3) | 8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex.slice(0, 3)}-${variant}${hex.slice(3, 6)}-${hex.slice(6, 18)}`;
};
