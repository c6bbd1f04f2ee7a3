/**
 * Runs TypeScript in a child process with SWC (the same .swcrc as jest): the multi-process and
 * crash tests spawn several service processes at once, and ts-node made each start take seconds.
 */
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const options = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '.swcrc'), 'utf8'));
delete options.$schema;

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename, sourceMaps: 'inline' });
  module._compile(code, filename);
};
