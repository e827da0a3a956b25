export { ColdStartError, findBundles, measureColdStart, measureOnce } from './cold-start';
export type { Bundle, ColdStart, ColdStartSample } from './cold-start';
export { formatSummary, formatTable } from './format';
export { median, summarize } from './stats';
export type { Summary } from './stats';
