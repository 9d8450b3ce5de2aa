export * from './builtin';
export * from './database-offer';
export * from './merge';
export * from './types';
