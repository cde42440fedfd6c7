/** Environment variables by name: a function's own (`process.env`), or those a template gives it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Reads a required environment variable, naming it when it is missing. */
export const requiredEnv = (name: string, env: Environment = process.env): string => {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set: the stack sets it on the function`);
  return value;
};

/** Reads a positive number from the environment, or the default when unset. */
export const numberEnv = (name: string, fallback: number, env: Environment = process.env): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(
      `environment variable ${name} must be a non-negative number (given ${JSON.stringify(raw)})`,
    );
  }
  return value;
};
