// The recount moved beside the tools that use it outside tests (npm run verify).
export {
  expectedRollups,
  type RollupValues,
  rollupDifferences,
} from '../../../commands/verify/ground-truth-rollups.ts';
