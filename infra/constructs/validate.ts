import { type Duration, Token } from 'aws-cdk-lib';

/** Throws, naming the bad value, unless `value` is a whole number in [min, max]; tokens pass through. */
export function assertWholeNumberInRange(name: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number (given ${value})`);
  if (value < min || value > max) {
    throw new Error(`${name} must be between ${min} and ${max} inclusive (given ${value})`);
  }
}

const AMOUNT_IN = {
  seconds: (duration: Duration) => duration.toSeconds({ integral: false }),
  minutes: (duration: Duration) => duration.toMinutes({ integral: false }),
  hours: (duration: Duration) => duration.toHours({ integral: false }),
  days: (duration: Duration) => duration.toDays({ integral: false }),
} as const;

/** Throws, naming the bad value, unless `duration` is a whole number of `unit` in [min, max]. */
export function assertDurationInRange(
  name: string,
  duration: Duration,
  unit: keyof typeof AMOUNT_IN,
  min: number,
  max: number,
): void {
  if (duration.isUnresolved()) return;
  const amount = AMOUNT_IN[unit](duration);
  if (!Number.isInteger(amount)) {
    throw new Error(`${name} must be a whole number of ${unit} (given ${duration.toHumanString()})`);
  }
  if (amount < min || amount > max) {
    throw new Error(`${name} must be between ${min} and ${max} ${unit} inclusive (given ${amount} ${unit})`);
  }
}

/** Throws, naming the bad value, unless `prefix` is a relative S3 key prefix ending with "/". */
export function assertKeyPrefix(name: string, prefix: string): void {
  if (!prefix.endsWith('/')) throw new Error(`${name} must end with "/" (given "${prefix}")`);
  if (prefix.startsWith('/')) throw new Error(`${name} must not start with "/" (given "${prefix}")`);
}
