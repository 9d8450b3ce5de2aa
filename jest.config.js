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
  // Both cores: suites are independent processes; the slowest ones wait on helm and checkov.
  maxWorkers: 2,
  setupFiles: ['<rootDir>/test/setup-fast-paths.ts'],
};
