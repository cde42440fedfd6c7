/**
 * Gives each test worker a port window of its own (see `portWindow`), so that two local clouds starting at
 * the same moment in two workers never choose the same free port. Child processes (npm start) inherit it.
 */
const pool = Number(process.env.VITEST_POOL_ID ?? 1);
const low = 20_000 + ((pool - 1) % 4) * 3_000;
process.env.STREAMLAKE_PORT_WINDOW = `${low}-${low + 2_999}`;
