import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { startReportServer, type ReportServerOptions, type RunningReportServer } from '../../dev/report-server';

/** The dev certificate `dev/run-with-dev-ca.js` made and trusts: the report server and receivers speak HTTPS with it. */
export function devTls(): { cert: string; key: string } {
  const certFile = process.env.DEV_TLS_CERT_FILE;
  const keyFile = process.env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile) throw new Error('run the tests through dev/run-with-dev-ca.js (npm test): the report server needs the dev certificate');
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/** Distinctive credentials, so a test can prove none of them reaches a log, an error or a status. */
export const ISU = { username: 'ISU_Lifecycle_Poller', password: 'isu-pw-7Hq2-never-logged-Zx91' };
export const OAUTH = { clientId: 'client-id-lifecycle-42', clientSecret: 'client-secret-never-logged-Kq7', refreshToken: 'refresh-token-never-logged-Vb3' };

export function startTestReportServer(options: Partial<ReportServerOptions> = {}): Promise<RunningReportServer> {
  return startReportServer({ tls: devTls(), isu: ISU, oauth: OAUTH, ...options });
}

/** An HTTPS receiver (a Teams or Slack incoming webhook stand-in) that keeps what it was sent. */
export async function startReceiver(): Promise<{ url: string; received: unknown[]; close(): Promise<void> }> {
  const received: unknown[] = [];
  const server = https.createServer(devTls(), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end('1');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}/webhook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Worker = Record<string, string>;

/** A worker row of the default hr-report mapping's columns. */
export function worker(id: string, extra: Worker = {}): Worker {
  return { Employee_ID: id, Worker_Status: 'Active', First_Name: 'Poll', Last_Name: `Worker${id}`, Business_Title: 'Engineer', Department: 'Engineering', Worker_Type: 'Employee', Country_ISO_Code: 'GB', ...extra };
}
