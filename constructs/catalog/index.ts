export * from './builtin';
export * from './merge';
export * from './types';
