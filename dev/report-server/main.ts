// `npm run report-server -- [rows.json]`: the simulated Workday RaaS server on its own, for trying the
// HR report poller with `npm start` (docs/polled-reports.md). It serves one report, `Workers`, whose
// rows are the JSON array in the file (re-read when the file changes, so editing it is the next
// report), or a small built-in sample; prints the app settings that point the local host at it.
import { readFileSync, statSync, watchFile } from 'node:fs';
import { startReportServer, type ReportRow } from './index';

const SAMPLE: ReportRow[] = [
  { Employee_ID: 'W1001', Worker_Status: 'Active', First_Name: 'Ada', Last_Name: 'Lovelace', Business_Title: 'Engineer', Department: 'Engineering', Worker_Type: 'Employee', Country_ISO_Code: 'GB', Hire_Date: '2024-03-04' },
  { Employee_ID: 'W1002', Worker_Status: 'Active', First_Name: 'Alan', Last_Name: 'Turing', Business_Title: 'Analyst', Department: 'Sales', Worker_Type: 'Employee', Country_ISO_Code: 'GB', Hire_Date: '2024-05-06', Manager_Employee_ID: 'W1001' },
  { Employee_ID: 'W1003', Worker_Status: 'Terminated', First_Name: 'Grace', Last_Name: 'Hopper', Business_Title: 'Engineer', Department: 'Engineering', Worker_Type: 'Employee', Country_ISO_Code: 'US', Termination_Date: '2023-12-31' },
];

function readRows(file: string): ReportRow[] {
  const rows = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(rows) || rows.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) throw new Error(`${file} must hold a JSON array of rows (objects keyed by column alias)`);
  return rows as ReportRow[];
}

async function main(): Promise<void> {
  const certFile = process.env.DEV_TLS_CERT_FILE;
  const keyFile = process.env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile) throw new Error('start it with npm run report-server (dev/run-with-dev-ca.js makes the dev certificate)');
  const file = process.argv[2];
  const isu = { username: process.env.HR_REPORT_USERNAME || 'ISU_Lifecycle', password: process.env.HR_REPORT_PASSWORD || 'isu-password-0123456789' };
  const server = await startReportServer({ port: Number(process.env.REPORT_SERVER_PORT ?? 7075), tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }, isu });
  const load = () => {
    try {
      const rows = file ? readRows(file) : SAMPLE;
      server.setReport('Workers', rows);
      console.log(`report Workers: ${rows.length} row(s)${file ? ` from ${file}` : ' (built-in sample)'}`);
    } catch (error) {
      console.error(`report not changed: ${(error as Error).message}`);
    }
  };
  load();
  if (file) {
    statSync(file);
    watchFile(file, { interval: 1000 }, load);
  }
  console.log('Point the local host at it (then POST /api/manage/hr-reports/run, or wait for HR_REPORT_SCHEDULE):');
  console.log(`  HR_REPORT_URL=${server.reportUrl('Workers', 'json')}`);
  console.log(`  HR_REPORT_USERNAME=${isu.username} HR_REPORT_PASSWORD=${process.env.HR_REPORT_PASSWORD ? '"$HR_REPORT_PASSWORD"' : isu.password} npm start`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void server.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
