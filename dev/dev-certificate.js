'use strict';
// A self-signed certificate for the local Graph simulator (localhost, 127.0.0.1, ::1), created
// once under .local/dev-cert. The Graph SDK attaches tokens and follows @odata.nextLink only
// over https, so the simulator must speak TLS like graph.microsoft.com does.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.DEV_CERT_DIR || path.join(__dirname, '..', '.local', 'dev-cert');
const certPath = path.join(dir, 'localhost-cert.pem');
const keyPath = path.join(dir, 'localhost-key.pem');

async function ensureDevCertificate() {
  if (fs.existsSync(certPath) && fs.existsSync(keyPath) && !expiresSoon(fs.readFileSync(certPath, 'utf8'))) {
    return { certPath, keyPath };
  }
  const selfsigned = require('selfsigned');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(keyPath, pems.private, { mode: 0o600 });
  fs.writeFileSync(certPath, pems.cert);
  return { certPath, keyPath };
}

function expiresSoon(pem) {
  try {
    const { X509Certificate } = require('node:crypto');
    return new Date(new X509Certificate(pem).validTo).getTime() < Date.now() + 7 * 24 * 3600_000;
  } catch {
    return true;
  }
}

module.exports = { ensureDevCertificate, certPath, keyPath };
