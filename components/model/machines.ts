// The checks of an SSH lab's machines over a parsed config, pure: validate.ts runs them with the others.
import type { LabConfig } from "./config";

/**
 * An SSH lab: every node on a machine of kraftlab:machines, each machine reachable by a key (a file or
 * an agent) and at an address of its own. One lab runs on one runtime: a node with a machine in a
 * lab of local processes or containers is refused (a local node is a machine at 127.0.0.1 over SSH).
 */
export function machineFindings(cfg: LabConfig): string[] {
  const errors: string[] = [];
  const names = Object.keys(cfg.machines);
  if (cfg.runtime.kind !== "ssh") {
    cfg.nodes.forEach((node, i) => {
      if (node.machine) {
        errors.push(
          `kraftlab:nodes[${i}].machine: a node runs on a machine only with kraftlab:runtime: ssh, and a lab runs all its nodes on one runtime; set kraftlab:runtime: ssh and give every node a machine, or remove it`,
        );
      }
    });
    return errors;
  }
  if (names.length === 0) {
    return [
      `kraftlab:machines: none declared, and kraftlab:runtime: ssh runs every node on one; declare them, e.g. { h1: { address: 10.0.0.11, ssh: { user: kafka, privateKey: ~/.ssh/id_ed25519, hostKey: "ssh-ed25519 AAAA…" } } }`,
    ];
  }
  cfg.nodes.forEach((node, i) => {
    if (!node.machine)
      errors.push(`kraftlab:nodes[${i}].machine: node ${node.id} names no machine; with kraftlab:runtime: ssh give it one of ${names.join(", ")}`);
    else if (!cfg.machines[node.machine]) {
      errors.push(`kraftlab:nodes[${i}].machine: ${node.machine} is not in kraftlab:machines (${names.join(", ")}); declare it there or name another`);
    }
  });
  const addresses = new Map<string, string>();
  for (const [name, m] of Object.entries(cfg.machines)) {
    if (!m.ssh.privateKey && !m.ssh.agent) {
      errors.push(
        `kraftlab:machines.${name}.ssh: no key to log in with; set kraftlab:machines.${name}.ssh.privateKey to a key file of this machine, e.g. ~/.ssh/id_ed25519, or kraftlab:machines.${name}.ssh.agent to true to use your ssh-agent`,
      );
    }
    const other = addresses.get(m.address);
    if (other) {
      errors.push(
        `kraftlab:machines.${name}.address: ${m.address} is also machine ${other}'s (one machine, one name); give kraftlab:machines.${name} an address of its own, or remove it and name ${other} in its nodes`,
      );
    } else addresses.set(m.address, name);
  }
  if (cfg.monitoring) {
    errors.push(
      "kraftlab:monitoring: not available yet with kraftlab:runtime: ssh (the exporter and its rules would have to go to every machine); remove it for an SSH lab",
    );
  }
  if (cfg.security?.listeners.internal === "SSL") {
    errors.push(
      "kraftlab:security.listeners.internal: SSL (mTLS) is not available yet with kraftlab:runtime: ssh (kraftlab's own client would need a node keystore on this machine); use SASL_SSL",
    );
  }
  return errors;
}
