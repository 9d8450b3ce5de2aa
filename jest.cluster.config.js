/** @type {import('jest').Config} The real-cluster suite: `npm run test:cluster` (scripts/test-cluster.sh). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Terraform applies and Helm waits: a generous bound per test, never a measured duration.
  testTimeout: 30 * 60 * 1000,
};
