export { runWalkthrough, type WalkthroughOptions, type WalkthroughResult } from './walkthrough';
export { describeInvocation, layersUsed, patternsSeen, SEVEN_PATTERNS } from './patterns';
export * from './observability';
