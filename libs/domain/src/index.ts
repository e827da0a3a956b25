export * from './ids';
export * from './money';
export * from './user';
export * from './product';
export * from './password-policy';
export * from './order';
