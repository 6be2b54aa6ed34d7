// The lab's runtime as a resource: with Docker, the image and the lab's network. Every node waits for
// it, so a refused runtime change stops the `up` (and preview) before anything is touched.
import { type Handler, readBack, same } from "../provider/handler";
import { engine, unlessMissing } from "../runtime/docker/engine";
import { ensureImage, hasImage } from "../runtime/docker/image";
import { labLabels, machineKafkaHome, machineLabDir, type RuntimeSetup, type SshMachine } from "../runtime/spec";
import { exec, shq } from "../runtime/ssh/connection";
import { claimMachine, ensureDistribution, type MachineClaim, releaseMachine } from "../runtime/ssh/machines";
import { recordRuntime } from "../store/labStore";
import { describeRuntime, runtimeChangeProblem } from "../store/problems";

/** Every machine the lab ever claimed, by name: destroy leaves each as it was (a machine that left the config too). */
type Claims = Record<string, MachineClaim & { machine: SshMachine }>;

async function ensureDocker(inputs: RuntimeSetup): Promise<void> {
  const d = inputs.docker;
  if (!d) return;
  const docker = engine(d.dockerHost);
  if (d.build) await ensureImage(docker, d.build);
  else if (!(await hasImage(docker, d.image))) {
    throw new Error(
      `kraftlab:runtime.image: ${d.image} is not on the engine ${d.dockerHost} and no registry is used; load it there (docker load) or leave runtime.image unset for kraftlab's own`,
    );
  }
  const network = await unlessMissing(docker.getNetwork(d.network).inspect());
  if (network && network.Labels?.["org.kraftlab.lab"] !== d.lab) {
    throw new Error(`kraftlab:runtime.network: a network named ${d.network} exists and is not this lab's; set kraftlab:runtime.network to another name`);
  }
  if (!network) {
    await docker
      .createNetwork({ Name: d.network, Driver: "bridge", Labels: labLabels(d.lab), IPAM: { Driver: "default", Config: [{ Subnet: d.subnet }] } })
      .catch((err: Error) => {
        throw new Error(
          `kraftlab:runtime.subnet: the lab's network ${d.network} on ${d.subnet} could not be made (${err.message}); set kraftlab:runtime.subnet to a free one, e.g. 172.31.0.0/24`,
        );
      });
  }
}

/** Each machine's lab directory claimed and the release copied there; the claims of earlier runs kept. */
async function ensureMachines(inputs: RuntimeSetup, claims: Claims = {}): Promise<Claims> {
  const ssh = inputs.ssh;
  if (!ssh) return claims;
  const made = await Promise.all(
    Object.values(ssh.machines).map(async (m) => {
      const claim = await claimMachine(m, ssh.lab, ssh.stack, claims[m.name]);
      await ensureDistribution(m, ssh.kafkaHome, ssh.distribution);
      return [m.name, { ...claim, machine: m }] as const;
    }),
  );
  return { ...claims, ...Object.fromEntries(made) };
}

/** Whether a machine lost its lab directory or its release since (removed by hand): the next `up` makes them again. */
async function machinesMissing(inputs: RuntimeSetup): Promise<boolean> {
  const ssh = inputs.ssh;
  if (!ssh) return false;
  const present = await Promise.all(
    Object.values(ssh.machines).map(
      async (m) => (await exec(m, `[ -d ${shq(machineLabDir(m, ssh.lab))} ] && [ -d ${shq(machineKafkaHome(m, ssh.distribution))} ]`)).code === 0,
    ),
  );
  return present.includes(false);
}

const describe = (inputs: RuntimeSetup) => describeRuntime(inputs.kind, inputs.docker?.dockerHost);

export const labRuntime: Handler = {
  async create(inputs: RuntimeSetup) {
    await ensureDocker(inputs);
    const claims = await ensureMachines(inputs);
    await recordRuntime(inputs.labDir, { kind: inputs.kind, dockerHost: inputs.docker?.dockerHost });
    return { id: inputs.kind, outs: { ...inputs, ...(inputs.ssh && { claims }) } };
  },
  async diff(_id, olds: RuntimeSetup, news: RuntimeSetup) {
    if (olds.kind !== news.kind) throw new Error(runtimeChangeProblem(describe(olds), describe(news)));
    if (news.ssh) return { changes: !same(olds.ssh, news.ssh) || (await machinesMissing(news)) };
    if (!news.docker) return { changes: false };
    const docker = engine(news.docker.dockerHost);
    const network = await unlessMissing(docker.getNetwork(news.docker.network).inspect());
    // The image or the network gone by hand (or a new build wanted) is made again by the next `up`.
    return { changes: !same(olds.docker, news.docker) || !network || !(await hasImage(docker, news.docker.image)) };
  },
  async update(_id, olds: RuntimeSetup & { claims?: Claims }, news: RuntimeSetup) {
    await ensureDocker(news);
    const claims = await ensureMachines(news, olds.claims);
    await recordRuntime(news.labDir, { kind: news.kind, dockerHost: news.docker?.dockerHost });
    return { outs: { ...news, ...(news.ssh && { claims }) } };
  },
  async delete(_id, olds: RuntimeSetup & { claims?: Claims }) {
    // The nodes went before (they depend on this resource): what is left is the lab's directory and release.
    const ssh = olds.ssh;
    if (ssh) await Promise.all(Object.values(olds.claims ?? {}).map((claim) => releaseMachine(claim.machine, ssh.lab, claim)));
    const d = olds.docker;
    if (!d) return;
    // Only this lab's network; the image stays as a cache (README: how to remove it).
    const network = engine(d.dockerHost).getNetwork(d.network);
    const info = await unlessMissing(network.inspect());
    if (info?.Labels?.["org.kraftlab.lab"] === d.lab) await network.remove();
  },
  read: readBack,
};
