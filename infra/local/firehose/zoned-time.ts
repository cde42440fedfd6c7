/** An instant's calendar fields in a time zone: what a Java DateTimeFormatter prints from a ZonedDateTime. */
export interface ZonedFields {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  readonly day: number;
  /** 0 to 23. */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** ISO: 1 (Monday) to 7 (Sunday). */
  readonly dayOfWeek: number;
  /** 1 to 366. */
  readonly dayOfYear: number;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** One formatter per zone, made on first use (Intl formatters are costly to build). */
const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterOf = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** Throws naming `timeZone` when it is not an IANA zone this Node knows (e.g. a typo in CustomTimeZone). */
export const assertTimeZone = (timeZone: string, where: string): void => {
  try {
    formatterOf(timeZone);
  } catch {
    throw new Error(
      `${where}: CustomTimeZone ${JSON.stringify(timeZone)} is not a time zone: give an IANA name such as Europe/Berlin, or leave it unset for UTC`,
    );
  }
};

const dayOfYearOf = (year: number, month: number, day: number) =>
  Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / DAY_MS) + 1;

/** The fields of `epochMs` in `timeZone` (an IANA name; `UTC` is computed without Intl). */
export const zonedFields = (epochMs: number, timeZone = 'UTC'): ZonedFields => {
  const millisecond = ((epochMs % 1000) + 1000) % 1000;
  if (timeZone === 'UTC') {
    const date = new Date(epochMs);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    return {
      year,
      month,
      day,
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      millisecond,
      dayOfWeek: ((date.getUTCDay() + 6) % 7) + 1,
      dayOfYear: dayOfYearOf(year, month, day),
    };
  }
  const parts = Object.fromEntries(
    formatterOf(timeZone)
      .formatToParts(new Date(epochMs))
      .map((part) => [part.type, part.value]),
  );
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  return {
    year,
    month,
    day,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond,
    dayOfWeek: WEEKDAYS.indexOf(String(parts.weekday)) + 1,
    dayOfYear: dayOfYearOf(year, month, day),
  };
};
