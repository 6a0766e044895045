#!/usr/bin/env node
// Runs a command with the local Graph simulator's TLS certificate trusted.
// Node reads NODE_EXTRA_CA_CERTS only at process start, so the certificate must exist and the
// variable be set before the process that calls Graph starts: this launcher does both, then
// hands over (signals forwarded, exit code preserved). A caller's own NODE_EXTRA_CA_CERTS is
// kept: the variable points at a bundle of the caller's CAs and the dev certificate.
// Dev and test only; never deployed.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { ensureDevCertificate, writeTrustBundle } = require('./dev-certificate');

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: node dev/run-with-dev-ca.js <command> [args...]');
    process.exit(2);
  }
  const cert = await ensureDevCertificate();
  const trusted = writeTrustBundle(process.env.NODE_EXTRA_CA_CERTS, (line) => console.error(`[run-with-dev-ca] ${line}`));
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: trusted, DEV_TLS_CERT_FILE: cert.certPath, DEV_TLS_KEY_FILE: cert.keyPath };
  const bin = path.join(__dirname, '..', 'node_modules', '.bin');
  env.PATH = `${bin}${path.delimiter}${env.PATH ?? ''}`;
  // The same Node binary as the launcher, so a version manager's PATH cannot pick another one.
  const executable = command === 'node' ? process.execPath : command;
  const child = spawn(executable, args, { stdio: 'inherit', env, shell: process.platform === 'win32' && executable !== process.execPath });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    process.exit(code ?? 1);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
