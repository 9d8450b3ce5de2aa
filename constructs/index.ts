export * from './chart-mirror';
export * from './chart-package';
export * from './cidr';
export * from './cloud-resources';
export * from './cluster';
export * from './helm-release';
export * from './names';
export * from './pool-size';
export * from './tag-aspect';
export * from './catalog';
export * from './instance';
export * from './platform';
export * from './shared';

