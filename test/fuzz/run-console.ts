/** What npm run fuzz says while it runs: progress on stderr, redrawn in place on a terminal. */

export const START_IT = 'start it first: npm start -- --forever';
export const n = (value: number) => value.toLocaleString('en-US');
export const say = (line: string) => process.stderr.write(`${line}\n`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const status = (line: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
};
export const endStatus = () => {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
};
