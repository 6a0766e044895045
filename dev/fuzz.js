#!/usr/bin/env node
// `npm run fuzz`: the fuzz suite (test/fuzz) at FUZZ_SCALE times its `npm test` size (default 25)
// from a fresh seed; FUZZ_SEED replays a failure. Run through dev/run-with-dev-ca.js.
'use strict';
const { spawnSync } = require('node:child_process');

const env = { ...process.env, FUZZ_SCALE: process.env.FUZZ_SCALE ?? '25' };
console.log(`fuzz: FUZZ_SCALE=${env.FUZZ_SCALE}${env.FUZZ_SEED ? ` FUZZ_SEED=${env.FUZZ_SEED}` : ''}`);
const result = spawnSync('jest', ['test/fuzz', '--runInBand', '--testTimeout=3600000', ...process.argv.slice(2)], { stdio: 'inherit', env, shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
