export { functionPolicy } from './function-policy';
export type { PolicyContext, PolicyDocument, PolicyStatement } from './function-policy';
export { UnknownReferenceError } from './errors';
