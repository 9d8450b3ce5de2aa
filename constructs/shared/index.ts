export * from './shared-block';
export * from './shared-block-access';
export * from './shared-credentials';
export * from './shared-names';
