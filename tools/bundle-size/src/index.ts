export * from './bundles';
export * from './measure';
