// The cluster client of a lab, as the edges make it (handlers, the program's checks, status, drills):
// the client of its admin connection, given the node addresses its runtime knows (on Docker, the
// containers' addresses, which this machine cannot resolve by name).

import type { ClusterClient } from "../client/cluster";
import { type Admin, clientFor } from "../client/connect";
import { runtimeFor } from "../runtime/select";

export const labClient = (admin: Admin): ClusterClient => clientFor(admin, runtimeFor(admin.runtime).nodeAddresses);
