/** Tests run on SQLite by default; `npm run test:mysql` sets TEST_DATABASE_URL to run the same suites on MariaDB/MySQL. */
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  setupFiles: ['<rootDir>/test/helpers/setup.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
