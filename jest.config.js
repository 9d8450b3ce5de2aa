/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The real-cluster suite runs with `npm run test:cluster`.
  testPathIgnorePatterns: ['/node_modules/', '/test/cluster/'],
  // Types are checked once by `tsc --noEmit` in `npm test`; jest only transpiles (tsconfig.jest.json sets isolatedModules).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120000,
  // One and a half workers per core: several suites spend much of their time waiting on helm, checkov or tsc
  // child processes, whose cores the extra worker fills (measured: 101 s instead of 118 s on two cores).
  maxWorkers: Math.max(2, Math.floor(require('os').availableParallelism() * 1.5)),
  setupFiles: ['<rootDir>/test/setup-fast-paths.ts'],
  globalSetup: '<rootDir>/test/global.setup.ts',
  globalTeardown: '<rootDir>/test/tmpdir.teardown.ts',
};
