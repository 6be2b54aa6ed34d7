// What a runtime is, as the program hands it to the dynamic providers: plain data, kept in state.
// The program builds it once (runtimeSpec); the providers turn it into a Runtime (runtime.ts).

/** Nodes as local JVMs, from a Kafka distribution on this machine. */
export interface ProcessSpec {
  kind: "process";
  kafkaHome: string;
}

/** Nodes as containers of one Docker engine, on a network of the lab's own. */
export interface DockerSpec {
  kind: "docker";
  /** The engine, `unix:///…/docker.sock` (what `docker -H` takes). */
  dockerHost: string;
  image: string;
  network: string;
  subnet: string;
  /** The stack's name: it names and labels the lab's containers, volumes and network. */
  lab: string;
  /** Where the EXTERNAL and metrics ports are published: kraftlab:host. */
  publishHost: string;
  /**
   * Directories of this machine mounted at the same path in every container (labDir, certsDir, the
   * exporter's): server.properties, keystores and tool inputs name one path in both worlds.
   */
  mounts: { path: string; readOnly: boolean }[];
  /** `uid:gid` the nodes run as: the files they write in the mounts stay this user's. */
  user: string;
}

export type RuntimeSpec = ProcessSpec | DockerSpec;

/** The runtime a resource's state names; states from before the runtime seam held the Kafka distribution instead. */
export const stateRuntime = (state: { runtime?: RuntimeSpec; kafkaHome?: string }): RuntimeSpec =>
  state.runtime ?? { kind: "process", kafkaHome: state.kafkaHome ?? "" };

/** Kafka's home inside a container: the layout of the official apache/kafka image. */
export const IMAGE_KAFKA_HOME = "/opt/kafka";

/** Labels on everything the Docker runtime creates: what a teardown may remove is what carries them. */
export const labLabels = (lab: string) => ({ "org.kraftlab.lab": lab });
export const NODE_LABEL = "org.kraftlab.node";
