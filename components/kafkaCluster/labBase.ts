// What a lab stands on before any node is made: its directory, its runtime, the cluster id, the
// quorum's bootstrap and the record of the quorum's mode. KafkaCluster makes these first.
import type * as pulumi from "@pulumi/pulumi";
import { ClusterId, LabDirectory, LabFile, LabRuntime } from "../cluster/resources";
import type { ClusterPlan } from "../model/topology";
import type { ControllerEndpoint } from "../quorum/plan";
import { QuorumBootstrap } from "../quorum/resources";
import type { RuntimePlan } from "../runtime/plan";

export interface LabBaseArgs {
  plan: ClusterPlan;
  /** Where the nodes run: its `setup` is the LabRuntime's inputs. */
  runtime: RuntimePlan;
  /** The lab directory (absolute), claimed as `kraftlab:labDir`. */
  labDir: string;
  /** The file that records which quorum mode the lab's nodes were given (path and content). */
  quorumRecord: { path: string; content: string };
}

export interface LabBase {
  /** The lab directory: everything of the lab waits for it, and what `deletedWith` names. */
  labDir: LabDirectory;
  /** The runtime the nodes wait for. */
  runtime: LabRuntime;
  clusterId: ClusterId;
  /** The controllers as the quorum's bootstrap was given them: also the voters the nodes are told of. */
  controllers: ControllerEndpoint[];
  /** `--initial-controllers` of a dynamic lab. */
  bootstrap: QuorumBootstrap;
  /** The record of the quorum's mode, written before any node. */
  quorumFile: LabFile;
}

/**
 * Makes the lab's base resources, children of `parent`: `<name>-dir`, `<name>-runtime`,
 * `<name>-cluster-id`, `<name>-quorum` and `<name>-quorum-mode`. Each waits for the lab directory: a
 * directory the stack may not claim stops the up with nothing else created.
 */
export function createLabBase(name: string, parent: pulumi.Resource, args: LabBaseArgs): LabBase {
  const { plan } = args;
  const labDir = new LabDirectory(`${name}-dir`, { path: args.labDir, key: "kraftlab:labDir" }, { parent });
  const inLabDir = { parent, dependsOn: [labDir] };
  // The nodes wait for their runtime: a refused runtime change stops the up with nothing touched.
  const runtime = new LabRuntime(`${name}-runtime`, args.runtime.setup, inLabDir);
  const clusterId = new ClusterId(`${name}-cluster-id`, inLabDir);
  const controllers = plan.controllers.map((n) => ({ id: n.id, host: n.host, port: n.ports.controller as number }));
  const bootstrap = new QuorumBootstrap(`${name}-quorum`, { controllers }, inLabDir);
  // Written before any node: the next program run reads which mode the lab's nodes were given.
  const quorumFile = new LabFile(`${name}-quorum-mode`, { ...args.quorumRecord, encoding: "utf8", mode: 0o644 }, inLabDir);
  return { labDir, runtime, clusterId, controllers, bootstrap, quorumFile };
}
