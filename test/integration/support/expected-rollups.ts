// The recount moved beside the tools that use it outside tests (npm run verify).
export {
  expectedRollups,
  type RollupValues,
  rollupDifferences,
} from '../../../infra/local/lake/ground-truth-rollups.ts';
