'use strict';
// Preloaded into Azurite (`node --require`) by dev/local-host/azurite.ts. Azurite runs in its own
// process group, so Ctrl+C reaches only the local host, which stops Azurite by closing the IPC
// channel. The channel also closes when the host crashes or is killed (even with SIGKILL), so
// Azurite never outlives it: either way it shuts down as on SIGTERM, saving its data first.
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
