export * from './api-gateway-event';
export * from './api-client';
export * from './accounts';
export * from './processes';
export * from './fake-dynamodb';
export * from './table-grants';
export * from './lambda-answers';
