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

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Node reads a single NODE_EXTRA_CA_CERTS file, so a caller's own CA (a corporate proxy in front
 * of Graph, a second simulator) and the dev certificate must share one: this writes both into
 * one bundle under the dev-cert folder and returns its path. Certificates are de-duplicated and
 * the file is named by its content, so a launcher started by a launcher (npm test → npm start)
 * gets the same bundle back, and concurrent launchers never see each other's half-written file.
 * A caller's file that cannot be read is reported through `warn` and left out, as Node itself does.
 */
function writeTrustBundle(callerFile, warn) {
  const pems = [];
  if (callerFile) {
    try {
      const found = fs.readFileSync(callerFile, 'utf8').match(PEM_CERTIFICATE) ?? [];
      if (found.length === 0) warn(`NODE_EXTRA_CA_CERTS ${callerFile} holds no PEM certificate: only the dev certificate is trusted in addition to Node's own CAs`);
      pems.push(...found);
    } catch (error) {
      warn(`NODE_EXTRA_CA_CERTS ${callerFile} cannot be read (${error.code ?? error.message}): only the dev certificate is trusted in addition to Node's own CAs`);
    }
  }
  pems.push(...(fs.readFileSync(certPath, 'utf8').match(PEM_CERTIFICATE) ?? []));
  const unique = [...new Map(pems.map((pem) => [pem.replace(/\s+/g, ''), pem])).values()];
  const content = unique.join('\n') + '\n';
  const digest = require('node:crypto').createHash('sha256').update(content).digest('hex').slice(0, 16);
  const bundlePath = path.join(dir, `ca-bundle-${digest}.pem`);
  if (!fs.existsSync(bundlePath)) {
    const partial = `${bundlePath}.${process.pid}.tmp`;
    fs.writeFileSync(partial, content);
    fs.renameSync(partial, bundlePath);
  }
  return bundlePath;
}

module.exports = { ensureDevCertificate, writeTrustBundle, certPath, keyPath };
