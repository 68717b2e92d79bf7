// Two projects: `unit` runs the specs that sit beside the code and touch no
// outside system; `integration` runs against the real PostgreSQL (and, as
// the system grows, RabbitMQ, sshd and the rest), one fresh database per run.
const { pathsToModuleNameMapper } = require('./tools/jest-paths');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: pathsToModuleNameMapper(),
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      // Real servers on two shared cores: a slow moment must not fail a hook. Tests never
      // assert on time; this only bounds a hang.
      testTimeout: 60_000,
      testMatch: ['<rootDir>/{apps,libs}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
  ],
};
