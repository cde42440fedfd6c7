/** The calendar fields of an instant in some time zone. */
interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

type Part = (fields: Fields) => string;

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/**
 * The Joda-Time pattern letters the local `parse_time` writes: a run of n letters pads to n digits (`yy` is the
 * year's last two digits; `S…` is the fraction of the second to that many digits).
 */
const LETTERS: Record<string, (count: number) => Part> = {
  y: (n) => (n === 2 ? (f) => pad(f.year % 100, 2) : (f) => pad(f.year, n)),
  M: (n) => (f) => pad(f.month, n),
  d: (n) => (f) => pad(f.day, n),
  H: (n) => (f) => pad(f.hour, n),
  m: (n) => (f) => pad(f.minute, n),
  s: (n) => (f) => pad(f.second, n),
  S: (n) => (f) => pad(f.millisecond, 3).slice(0, n).padEnd(n, '0'),
};

/** A pattern the local `parse_time` cannot write: names the pattern and the letters it lacks. */
export class UnsupportedTimePattern extends Error {
  override readonly name = 'UnsupportedTimePattern';
}

/**
 * The quoted text starting at `at` (a quote): `''` alone is a quote; inside quotes a doubled quote is one quote.
 * Returns the text and where the pattern goes on.
 */
const quotedText = (pattern: string, at: number): { text: string; next: number } => {
  if (pattern[at + 1] === "'") return { text: "'", next: at + 2 };
  let text = '';
  for (let end = at + 1; end < pattern.length; end++) {
    if (pattern[end] !== "'") text += pattern[end];
    else if (pattern[end + 1] === "'") {
      text += "'";
      end++;
    } else return { text, next: end + 1 };
  }
  throw new UnsupportedTimePattern(`time pattern "${pattern}" has an unclosed quote`);
};

/**
 * Compiles a Joda-Time pattern (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`) into a writer: letters y M d H m s S, text in
 * single quotes (`''` is a quote), any other non-letter as itself. Other letters (era, day names, zone…) are refused.
 */
export const compileTimePattern = (pattern: string): ((fields: Fields) => string) => {
  const parts: Part[] = [];
  let at = 0;
  while (at < pattern.length) {
    const char = pattern[at] as string;
    if (char === "'") {
      const { text, next } = quotedText(pattern, at);
      parts.push(() => text);
      at = next;
    } else if (/[A-Za-z]/.test(char)) {
      let count = 1;
      while (pattern[at + count] === char) count++;
      const letter = LETTERS[char];
      if (!letter) {
        throw new UnsupportedTimePattern(
          `time pattern "${pattern}": the letter ${char} is not written locally (only y M d H m s S and quoted text)`,
        );
      }
      parts.push(letter(count));
      at += count;
    } else {
      parts.push(() => char);
      at++;
    }
  }
  return (fields) => parts.map((part) => part(fields)).join('');
};

const UTC_ZONES = new Set(['UTC', 'ETC/UTC', 'GMT', 'ETC/GMT', 'Z']);
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** Whether `zone` is a time zone the runtime knows (Joda's zone ids are the IANA ones). */
export const isKnownZone = (zone: string): boolean => {
  if (UTC_ZONES.has(zone.toUpperCase())) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The calendar fields of `ms` (epoch milliseconds) in `zone`. */
export const fieldsAt = (ms: number, zone: string): Fields => {
  const date = new Date(ms);
  const millisecond = date.getUTCMilliseconds();
  if (UTC_ZONES.has(zone.toUpperCase())) {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      millisecond,
    };
  }
  let format = zoneFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Zones may come from payloads: keep only a few formatters.
    if (zoneFormats.size < 64) zoneFormats.set(zone, format);
  }
  const parts = format.formatToParts(date);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
    millisecond,
  };
};
