export * from './iam';
