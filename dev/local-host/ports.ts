/**
 * The local host's ports come from settings (PORT, GRAPH_SIMULATOR_PORT). When one cannot be
 * used the user must learn which setting to change, not read a bare EADDRINUSE.
 */

/** The port a setting names, or its default; 0 asks the system for a free one (tests). */
export function portFromSetting(env: NodeJS.ProcessEnv, setting: string, fallback: number): number {
  const raw = env[setting];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || port > 65535) throw new Error(`${setting} must be a port number (0-65535); it is not`);
  return port;
}

/** Runs `listen`; a port that is taken or forbidden becomes an error naming the setting. */
export async function listenOnSetting<T>(setting: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${port} is in use: set ${setting} to another port, or stop what is listening on it`, { cause: error });
    if (code === 'EACCES') throw new Error(`port ${port} needs privileges this process does not have: set ${setting} to a port above 1023`, { cause: error });
    throw error;
  }
}
