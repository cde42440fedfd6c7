const digits = (text: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
};

/**
 * `2026-11-22T05:06:07.123Z` → epoch milliseconds, several times faster than Date.parse for the one
 * shape contracts allow (fraction of 0–3 digits, always `Z`); anything else goes to Date.parse.
 */
export const parseUtcMillis = (text: string): number => {
  const n = text.length;
  const shaped =
    (n === 20 || (n >= 22 && n <= 24 && text.charCodeAt(19) === 46)) &&
    text.charCodeAt(n - 1) === 90 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(0) !== 48; // years 0–999 would be read as 1900+ by Date.UTC
  if (!shaped) return Date.parse(text);
  const fraction = n > 20 ? digits(text, 20, n - 1) * 10 ** (24 - n) : 0;
  return Date.UTC(
    digits(text, 0, 4),
    digits(text, 5, 7) - 1,
    digits(text, 8, 10),
    digits(text, 11, 13),
    digits(text, 14, 16),
    digits(text, 17, 19),
    fraction,
  );
};
