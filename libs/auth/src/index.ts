export * from './principal';
export * from './authorize';
export * from './token-verifier';
