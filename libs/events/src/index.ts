export * from './envelope';
export * from './catalog';
export * from './codec';
export * from './event-id';
export * from './transport';
