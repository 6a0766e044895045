import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { GraphGovernor } from '../../shared/graph/governor';
import { TenantDirectory } from '../../shared/graph/tenant-directory';
import { IDS, startSimulator } from '../graph-simulator/harness';

describe('TenantDirectory group resolution', () => {
  let sim: RunningGraphSimulator;

  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('when groups are resolved and one after the first two does not exist, then the others resolve and it is simply absent', async () => {
    const governor = new GraphGovernor({ writesPerSecond: 20 });
    const client = createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, { credential: new LocalSimulatorCredential(sim.url), governor });
    const directory = new TenantDirectory(client, { graphRoot: sim.url, governor });
    const gone = '0badc0de-0000-4000-8000-000000000000';
    // An unknown group's cache entry is dropped as its answer arrives: the later in the list, the sooner before it is read.
    const resolved = await directory.resolveGroups([IDS.allStaff, IDS.sales, gone]);
    expect([...resolved.keys()]).toEqual([IDS.allStaff, IDS.sales]);
  });
});
