export { BASELINE_NAME, ColdStartError, findBundles, initRatio, measureColdStart, measureInterleaved, measureOnce, ratioSummary, writeBaselineBundle } from './cold-start';
export type { Bundle, ColdStart, ColdStartRun, ColdStartSample } from './cold-start';
export { BUDGET, type Budget, bundlesHolding, bundlesWithCredentialChain, bundlesWithZodClassic, formatVerdicts, judgeBundleSizes, judgeColdStart, judgeCredentialChain, judgeWarmOverhead, judgeZodClassic, TARGET, type Verdict } from './budget';
export { formatSummary, formatTable } from './format';
export { median, percentile, summarize } from './stats';
export type { Summary } from './stats';
export { measureWarmOverhead, overheadOf, WarmOverheadError, type InvocationTimes, type WarmOverhead } from './warm-overhead';
