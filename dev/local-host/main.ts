// `npm start`: the local Functions host. Stops cleanly on Ctrl+C / SIGTERM.
import { startLocalHost } from './local-host';

async function main(): Promise<void> {
  const host = await startLocalHost();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[local-host] ${signal}: stopping…`);
    host
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
