// What a runtime is, as the program hands it to the dynamic providers: plain data, kept in state.
// The program builds it once (plan.ts); the providers turn it into a Runtime (runtime.ts).

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

/** A machine as the SSH runtime reaches it: no key material, only a key file's path or an agent's socket. */
export interface SshMachine {
  name: string;
  address: string;
  user: string;
  port: number;
  /** A private key file of this machine. */
  privateKey?: string;
  /** An ssh-agent socket. */
  agent?: string;
  /** `<type> <base64>`: the only key the machine may offer. */
  hostKey: string;
  javaHome?: string;
  baseDir: string;
}

/** Nodes as JVMs on machines reached over SSH, each running the release copied there from this machine. */
export interface SshSpec {
  kind: "ssh";
  /** The stack's name: each machine's lab directory is `<baseDir>/<lab>`. */
  lab: string;
  machines: Record<string, SshMachine>;
  /** The release on this machine: copied to each machine, and run here for the Kafka tools. */
  kafkaHome: string;
  /** Its content hash: each machine keeps it once, at `<baseDir>/kafka/<hash>`. */
  distribution: string;
}

export type RuntimeSpec = ProcessSpec | DockerSpec | SshSpec;

/** A machine's directory of the lab: its nodes' directories and the ownership marker. */
export const machineLabDir = (machine: Pick<SshMachine, "baseDir">, lab: string) => `${machine.baseDir}/${lab}`;
/** Where a machine keeps a release copied there. */
export const machineKafkaHome = (machine: Pick<SshMachine, "baseDir">, distribution: string) => `${machine.baseDir}/kafka/${distribution}`;

/** The runtime a resource's state names; a state written by an earlier release holds the Kafka distribution instead. */
export const stateRuntime = (state: { runtime?: RuntimeSpec; kafkaHome?: string }): RuntimeSpec =>
  state.runtime ?? { kind: "process", kafkaHome: state.kafkaHome ?? "" };

/** Kafka's home inside a container: the layout of the official apache/kafka image. */
export const IMAGE_KAFKA_HOME = "/opt/kafka";

/** Labels on everything the Docker runtime creates: what a teardown may remove is what carries them. */
export const labLabels = (lab: string) => ({ "org.kraftlab.lab": lab });
export const NODE_LABEL = "org.kraftlab.node";

/**
 * The runtime an update runs with: `news`, still reaching the machines only `olds` knew (a node
 * leaving with its machine is stopped there).
 */
export const updateRuntime = (olds: RuntimeSpec, news: RuntimeSpec): RuntimeSpec =>
  olds.kind === "ssh" && news.kind === "ssh" ? { ...news, machines: { ...olds.machines, ...news.machines } } : news;

/** What kraftlab's image is built from. */
export interface ImageBuild {
  /** The Kafka distribution (bin/, libs/, config/) copied to /opt/kafka. */
  kafkaHome: string;
  /** The JRE root filesystem tar of setup/docker/rootfs.sh, and its stamp beside it. */
  rootfs: string;
  dockerfile: string;
}

/** The lab's runtime as a resource is given it: with Docker, the image and the network; over SSH, the machines the nodes name. */
export interface RuntimeSetup {
  kind: RuntimeSpec["kind"];
  /** The lab directory, where `runtime.json` tells the program what the lab runs on (see recordedRuntime). */
  labDir: string;
  docker?: {
    dockerHost: string;
    network: string;
    subnet: string;
    lab: string;
    /** The image the nodes run: kraftlab's (built from `build` when missing) or the user's. */
    image: string;
    build?: ImageBuild;
  };
  ssh?: {
    lab: string;
    /** `<project>/<stack>`, written in each machine's marker. */
    stack: string;
    /** The machines the nodes run on. */
    machines: Record<string, SshMachine>;
    kafkaHome: string;
    distribution: string;
  };
}
