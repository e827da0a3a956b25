/** `npm run load`: checkout latency, the API under a fixed arrival rate, and `npm start`'s start-up, against their budgets. */
export { percentile, median, summarize, type LatencySummary } from './stats';
export { arrivalOffsets, runOpenLoop, realClock, type Clock, type Sample } from './open-loop';
export { BUDGETS, judge, type Budget, type BudgetKind, type BudgetResult, type LoadReport } from './budgets';
export { formatReport } from './format';
