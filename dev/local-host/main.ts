// `npm start`: the local Functions host. Stops cleanly on Ctrl+C / SIGTERM, also while it is
// still starting; a second Ctrl+C exits at once (Azurite then stops by itself, see azurite.ts).
import { startLocalHost, type RunningLocalHost } from './local-host';

let host: RunningLocalHost | undefined;
let stopRequested: string | undefined;

function stop(signal: string): void {
  if (stopRequested) {
    console.log(`\n[local-host] ${signal} again: exiting now`);
    process.exit(130);
  }
  stopRequested = signal;
  console.log(`\n[local-host] ${signal}: stopping…`);
  if (host) void stopAndExit(host);
  // Otherwise the host is still starting: main() stops it as soon as it is up.
}

async function stopAndExit(running: RunningLocalHost): Promise<void> {
  try {
    await running.stop();
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  const started = await startLocalHost();
  host = started;
  if (stopRequested) await stopAndExit(started);
}

main().catch((error: unknown) => {
  // startLocalHost has already stopped whatever it had started.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
