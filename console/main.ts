import './console.css';
import { getJson, type Me } from './api';
import { failure, type View, type ViewContext } from './app';
import { h } from './dom';
import { approvalsView } from './views/approvals';
import { eventsView } from './views/events';
import { licencesView } from './views/licences';
import { serviceLevelsView } from './views/service-levels';
import { stuckView } from './views/stuck';
import { tenantsView } from './views/tenants';
import { workerView } from './views/worker';

/** Hash routes: `#events`, `#worker/E1`, `#stuck`, `#approvals`, `#tenants`, `#licences`, `#service-levels`. */
const VIEWS: { key: string; label: string; view: View; nav: boolean }[] = [
  { key: 'events', label: 'Events', view: eventsView, nav: true },
  { key: 'worker', label: 'Worker', view: workerView, nav: true },
  { key: 'stuck', label: 'Stuck', view: stuckView, nav: true },
  { key: 'approvals', label: 'Approvals', view: approvalsView, nav: true },
  { key: 'tenants', label: 'Tenants', view: tenantsView, nav: true },
  { key: 'licences', label: 'Licences', view: licencesView, nav: true },
  { key: 'service-levels', label: 'Service levels', view: serviceLevelsView, nav: true },
];

let me: Me | undefined;
let leave: (() => void)[] = [];
let rendering = 0;

function parseHash(): { key: string; arg: string | undefined; query: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '');
  const [path = '', qs = ''] = raw.split('?', 2);
  const [key = '', ...rest] = path.split('/');
  let arg: string | undefined;
  try {
    arg = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  } catch {
    arg = undefined;
  }
  return { key: VIEWS.some((v) => v.key === key) ? key : 'events', arg, query: new URLSearchParams(qs) };
}

function renderNav(active: string): void {
  const nav = document.getElementById('views');
  if (!nav) return;
  nav.replaceChildren(
    h('ul', undefined, ...VIEWS.filter((v) => v.nav).map((v) => h('li', undefined, h('a', { href: `#${v.key}`, 'aria-current': v.key === active ? 'page' : undefined }, v.label)))),
  );
}

function renderWho(who: Me): void {
  const el = document.getElementById('who');
  if (!el) return;
  el.replaceChildren(
    who.mode === 'local-open'
      ? h('span', { className: 'mode local', 'data-mode': who.mode }, 'Local mode: open to this machine (loopback) without sign-in; you act as Operator.')
      : h('span', { className: 'mode', 'data-mode': who.mode }, `Signed in as ${who.name} · ${who.roles.join(', ') || 'no console role'}`),
  );
}

async function route(focus: boolean): Promise<void> {
  const run = ++rendering;
  for (const stop of leave) stop();
  leave = [];
  if (focus) document.getElementById('flash')?.replaceChildren();
  const { key, arg, query } = parseHash();
  const entry = VIEWS.find((v) => v.key === key)!;
  renderNav(key);
  document.title = `${entry.label} · Lifecycle console`;
  const main = document.getElementById('main')!;
  main.setAttribute('aria-busy', 'true');
  const stops: (() => void)[] = [];
  const ctx: ViewContext = { arg, query, me: me!, onLeave: (stop) => stops.push(stop), refresh: () => void route(false) };
  let content: HTMLElement;
  try {
    content = await entry.view(ctx);
  } catch (error) {
    content = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: '-1' }, entry.label), failure(error));
  }
  if (run !== rendering) {
    for (const stop of stops) stop();
    return; // a later navigation won
  }
  leave = stops;
  main.replaceChildren(content);
  main.removeAttribute('aria-busy');
  main.dataset.view = key;
  if (focus) (main.querySelector('h1') as HTMLElement | null)?.focus();
}

async function start(): Promise<void> {
  try {
    me = await getJson<Me>('me');
  } catch (error) {
    document.getElementById('main')!.replaceChildren(h('h1', undefined, 'Lifecycle console'), failure(error));
    return;
  }
  renderWho(me);
  window.addEventListener('hashchange', () => void route(true));
  await route(false);
}

void start();
