import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Outcome, survived } from './scenario.ts';
import { SCENARIOS } from './scenarios.ts';
import { stopStragglers } from './start-process.ts';

// npm run chaos: every fault scenario against the real local servers, one line each, and the totals.

const USAGE = `Usage: npm run chaos -- [--only NAME[,NAME…]] [--base-port N] [--verbose] [--keep]

Runs each fault scenario against a local cloud of its own (127.0.0.1 only), ending each in the three-way verify.
Prints one line per fault and "faults survived N/N · lost 0 · double-counted 0 · duplicate alerts 0";
exits 1 if any figure is not 0.

Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`;

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      'base-port': { type: 'string', default: '18600' },
      verbose: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const wanted = values.only?.split(',').map((name) => name.trim());
  const unknown = wanted?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) {
    console.error(`error: no scenario named ${unknown.join(', ')}; run npm run chaos -- --help to list them`);
    return 2;
  }
  const basePort = Number(values['base-port']);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65_000) {
    console.error(`error: --base-port must be a whole number 1024..65000 (given ${values['base-port']})`);
    return 2;
  }
  const scenarios = SCENARIOS.filter((s) => !wanted || wanted.includes(s.name));
  const outcomes: Outcome[] = [];
  for (const scenario of scenarios) {
    const stateDir = mkdtempSync(join(tmpdir(), `streamlake-chaos-${scenario.name}-`));
    const startedMs = Date.now();
    let outcome: Outcome;
    try {
      outcome = await scenario.run({
        stateDir,
        basePort,
        log: (line) => values.verbose && console.error(line),
      });
    } catch (error) {
      outcome = { lost: 0, doubleCounted: 0, duplicateAlerts: 0, failures: [String(error)], detail: '' };
    }
    const stragglers = await stopStragglers();
    if (stragglers > 0) console.error(`(${scenario.name} left ${stragglers} local cloud(s) running: killed)`);
    outcomes.push(outcome);
    const seconds = ((Date.now() - startedMs) / 1000).toFixed(0);
    console.log(
      `${survived(outcome) ? 'survived' : 'FAILED  '} ${scenario.name.padEnd(22)} lost ${outcome.lost} · double-counted ${outcome.doubleCounted} · duplicate alerts ${outcome.duplicateAlerts} · ${seconds}s — ${scenario.fault}${outcome.detail ? `; ${outcome.detail}` : ''}`,
    );
    for (const failure of outcome.failures)
      console.log(`           ${failure.split('\n').join('\n           ')}`);
    if (values.keep) console.log(`           state kept in ${stateDir}`);
    else rmSync(stateDir, { recursive: true, force: true });
  }
  const sum = (figure: (o: Outcome) => number) => outcomes.reduce((total, o) => total + figure(o), 0);
  const survivedCount = outcomes.filter(survived).length;
  console.log(
    `faults survived ${survivedCount}/${outcomes.length} · lost ${sum((o) => o.lost)} · double-counted ${sum((o) => o.doubleCounted)} · duplicate alerts ${sum((o) => o.duplicateAlerts)}`,
  );
  return survivedCount === outcomes.length ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
