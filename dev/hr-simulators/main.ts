// Try the thin-webhook connectors locally (docs/connectors.md, "Try it locally"):
//   node dev/run-with-dev-ca.js node --import tsx dev/hr-simulators/main.ts
// starts the BambooHR and HiBob simulators over HTTPS on loopback, writes the home tenant's
// connectors file (.local/hr-connectors.json) naming them, prints the app settings `npm start`
// needs, then reads commands from stdin and sends each one's signed webhook to the local host.
// The keys below are development values for these simulators only.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { startBambooHrSimulator } from './bamboohr';
import type { WebhookDelivery } from './https-server';
import { startHiBobSimulator } from './hibob';

const DEV = {
  BAMBOOHR_DEV_PRIVATE_KEY: 'local-dev-bamboohr-private-key-000',
  BAMBOOHR_DEV_API_KEY: 'local-dev-bamboohr-api-key-000',
  HIBOB_DEV_WEBHOOK_SECRET: 'local-dev-hibob-webhook-secret-000',
  HIBOB_DEV_TOKEN: 'local-dev-hibob-service-user-token-000',
};
const SERVICE_USER_ID = 'SERVICE-USER-DEV';
const HELP = `commands:
  bamboohr hire <first> <last> [department]   employee.created + employee.updated
  bamboohr move <id> <department>             employee.updated
  bamboohr terminate <id>                     status Inactive today; employee.updated
  bamboohr delete <id>                        employee.deleted (the API answers 404 from then on)
  hibob hire <first> <last> [department]      employee.created
  hibob move <id> <department>                employee.updated
  hibob terminate <id>                        employee.left
  hibob delete <id>                           employee.deleted
  hibob ping                                  the "Ping test" Bob sends a new webhook
  list | help | quit`;

function tls(): { cert: string; key: string } {
  const { DEV_TLS_CERT_FILE: cert, DEV_TLS_KEY_FILE: key } = process.env;
  if (!cert || !key) throw new Error('Run through `node dev/run-with-dev-ca.js node --import tsx dev/hr-simulators/main.ts`, which makes the dev certificate.');
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

async function main(): Promise<void> {
  const hostUrl = (process.env.LOCAL_HOST_URL ?? 'http://localhost:7071').replace(/\/+$/, '');
  const certificate = tls();
  const bamboo = await startBambooHrSimulator({ tls: certificate, port: Number(process.env.BAMBOOHR_SIM_PORT ?? 7081), companyDomain: 'contoso', apiKey: DEV.BAMBOOHR_DEV_API_KEY });
  const bob = await startHiBobSimulator({ tls: certificate, port: Number(process.env.HIBOB_SIM_PORT ?? 7082), serviceUserId: SERVICE_USER_ID, serviceUserToken: DEV.HIBOB_DEV_TOKEN });
  bamboo.setWebhook({ url: `${hostUrl}/api/hr/connectors/bamboohr`, privateKey: DEV.BAMBOOHR_DEV_PRIVATE_KEY });
  bob.setWebhook({ url: `${hostUrl}/api/hr/connectors/hibob`, secret: DEV.HIBOB_DEV_WEBHOOK_SECRET });

  const file = path.resolve('.local', 'hr-connectors.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({
    bamboohr: { companyDomain: 'contoso', webhookSecretSetting: 'BAMBOOHR_DEV_PRIVATE_KEY', apiKeySetting: 'BAMBOOHR_DEV_API_KEY', apiBaseUrl: bamboo.url },
    hibob: { webhookSecretSetting: 'HIBOB_DEV_WEBHOOK_SECRET', serviceUserId: SERVICE_USER_ID, serviceUserTokenSetting: 'HIBOB_DEV_TOKEN', apiBaseUrl: bob.url },
  }, null, 2)}\n`);
  const settings = Object.entries({ HR_CONNECTORS_FILE: file, ...DEV }).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`BambooHR simulator ${bamboo.url}, HiBob simulator ${bob.url}; connectors file ${file}`);
  console.log(`Start the app in another shell with:\n  ${settings} npm start\n${HELP}`);

  const show = (what: string, d: WebhookDelivery) => console.log(`${what}: ${d.status} ${d.response}`);
  let number = 1000;
  const today = () => new Date().toISOString().slice(0, 10);
  const lines = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  lines.prompt();
  for await (const line of lines) {
    const [system, verb, ...args] = line.trim().split(/\s+/);
    try {
      if (system === 'quit') break;
      if (system === 'list') {
        for (const [id, e] of bamboo.employees) console.log(`bamboohr ${id}: ${e.firstName} ${e.lastName}, ${e.department}, ${e.status}`);
        for (const [id, e] of bob.employees) console.log(`hibob ${id}: ${e.firstName} ${e.surname}, ${e.work.department}, ${e.internal.lifecycleStatus}`);
      } else if (system === 'bamboohr' && verb === 'hire' && args[1]) {
        const hired = await bamboo.hire({ firstName: args[0]!, lastName: args[1], department: args[2] ?? 'Engineering', jobTitle: 'Engineer', country: 'United Kingdom', hireDate: today() });
        hired.deliveries.forEach((d, i) => show(`employee ${hired.id} ${i === 0 ? 'employee.created' : 'employee.updated'}`, d));
      } else if (system === 'bamboohr' && verb === 'move' && args[1]) show('employee.updated', await bamboo.update(args[0]!, { department: args[1] }));
      else if (system === 'bamboohr' && verb === 'terminate' && args[0]) show('employee.updated', await bamboo.terminate(args[0], today()));
      else if (system === 'bamboohr' && verb === 'delete' && args[0]) show('employee.deleted', await bamboo.remove(args[0]));
      else if (system === 'hibob' && verb === 'hire' && args[1]) {
        const seed = { firstName: args[0]!, surname: args[1], email: `${args[0]!.toLowerCase()}.${args[1].toLowerCase()}@contoso.com` };
        const hired = await bob.hire({ ...seed, work: { department: args[2] ?? 'Engineering', title: 'Engineer', site: 'London', startDate: today(), employeeIdInCompany: number++ }, address: { country: 'United Kingdom' } });
        show(`employee ${hired.id} employee.created`, hired.delivery);
      } else if (system === 'hibob' && verb === 'move' && args[1]) show('employee.updated', await bob.update(args[0]!, { work: { department: args[1] } }));
      else if (system === 'hibob' && verb === 'terminate' && args[0]) show('employee.left', await bob.terminate(args[0], today()));
      else if (system === 'hibob' && verb === 'delete' && args[0]) show('employee.deleted', await bob.remove(args[0]));
      else if (system === 'hibob' && verb === 'ping') show('Ping test', await bob.ping());
      else if (system) console.log(HELP);
    } catch (error) {
      console.log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    lines.prompt();
  }
  lines.close();
  await Promise.all([bamboo.close(), bob.close()]);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
