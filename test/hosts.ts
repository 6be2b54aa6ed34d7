// End-to-end harness for the SSH runtime: a few "hosts" on this machine, each a network namespace on a
// private bridge with its own sshd, hostname and /srv (a private mount namespace). The namespaces get no
// default route, so nothing in them reaches past the bridge; IPv4 forwarding and iptables stay untouched.
// Namespaces share the PID space, users and /root with this machine: what runs on a host is what
// `ip netns pids` lists. Needs root and Debian's sshd (setup/ssh/openssh.sh).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface TestHost {
  /** "h1", "h2", … */
  name: string;
  /** The network namespace, e.g. "krl-h1". */
  ns: string;
  /** Its address on the bridge, e.g. "10.213.0.11". */
  address: string;
  /** Its sshd's public host key as a known_hosts line holds it, without the host part: "ssh-ed25519 AAAA…". */
  hostKey: string;
  /** The directory of this machine bind-mounted at /srv inside the host (its private filesystem). */
  root: string;
}

export interface TestHosts {
  hosts: TestHost[];
  /** The user to log in as ("root"). */
  user: string;
  /** The client's private key file (0600) whose public key every host authorizes. */
  privateKeyFile: string;
  /** Takes the host's link down (eth0 inside its namespace and its veth peer): it stops answering. */
  linkDown(name: string): void;
  linkUp(name: string): void;
  /** Starts a TCP listener on address:port inside the host (as something that is not kraftlab would hold a port); resolves once it listens; the returned function stops it. */
  holdPort(name: string, port: number): Promise<() => void>;
  /** The pids running in the host's namespace (`ip netns pids`), sshd excluded. */
  pids(name: string): number[];
  /** Every file and directory under the host's /srv, as paths relative to it, sorted. */
  files(name: string): string[];
  /** Kills every pid of every host's namespace (TERM, then KILL after a short wait), deletes the namespaces, the veths, the bridge and the temp dirs. Idempotent; never throws for what is already gone. */
  teardown(): Promise<void>;
}

const BRIDGE = "krl-test0";
const SUBNET = "10.213.0";
const TMP_PREFIX = "kraftlab-hosts-";
const JVM = "/usr/lib/jvm";

/** `count` hosts h1…hN; `noJava` names hosts where Java is hidden. Cleans up leftovers of an earlier run first. */
export async function makeHosts(opts: { count: number; noJava?: string[] }): Promise<TestHosts> {
  await removeLeftovers();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), TMP_PREFIX)); // 0700: keys live here
  const hosts: TestHost[] = [];
  const exits: Promise<void>[] = []; // of the processes started here
  const teardown = async () => {
    await emptyNamespaces(hosts.map((h) => h.ns));
    await Promise.all(exits); // reaped: no zombie of ours left behind
    for (const h of hosts) deleteLink(veth(h.ns));
    deleteLink(BRIDGE);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const privateKeyFile = path.join(tmp, "client");
    keygen(privateKeyFile);
    const authorizedKeys = path.join(tmp, "authorized_keys");
    fs.copyFileSync(`${privateKeyFile}.pub`, authorizedKeys);
    fs.mkdirSync("/run/sshd", { recursive: true }); // sshd's privilege separation directory
    // Java is reached through /etc/alternatives into /usr/lib/jvm: an empty directory over it leaves `java` dangling.
    const empty = mkdir(path.join(tmp, "empty"));

    run("ip", ["link", "add", BRIDGE, "type", "bridge"]);
    disableIpv6(BRIDGE);
    run("ip", ["addr", "add", `${SUBNET}.1/24`, "dev", BRIDGE]);
    run("ip", ["link", "set", BRIDGE, "up"]);

    const sshds: { host: TestHost; log: string; exited: () => boolean }[] = [];
    for (let n = 1; n <= opts.count; n++) {
      const name = `h${n}`;
      const ns = `krl-${name}`;
      const address = `${SUBNET}.${10 + n}`;
      const dir = mkdir(path.join(tmp, name));
      const host: TestHost = { name, ns, address, hostKey: "", root: mkdir(path.join(dir, "srv")) };
      hosts.push(host);

      run("ip", ["netns", "add", ns]);
      run("ip", ["link", "add", veth(ns), "type", "veth", "peer", "name", "eth0", "netns", ns]);
      disableIpv6(veth(ns));
      run("ip", ["link", "set", veth(ns), "master", BRIDGE, "up"]);
      // No default route: only the bridge's /24 (and lo) is reachable from inside.
      const inside = [
        "sysctl -q -w net.ipv6.conf.eth0.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1",
        `ip addr add ${address}/24 dev eth0`,
        "ip link set eth0 up",
        "ip link set lo up",
      ];
      run("ip", ["netns", "exec", ns, "sh", "-ec", inside.join("\n")]);

      const hostKeyFile = path.join(dir, "hostkey");
      keygen(hostKeyFile);
      host.hostKey = fs.readFileSync(`${hostKeyFile}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
      const config = path.join(dir, "sshd_config");
      fs.writeFileSync(
        config,
        [
          `ListenAddress ${address}`,
          "Port 22",
          `HostKey ${hostKeyFile}`,
          `PidFile ${path.join(dir, "sshd.pid")}`,
          `AuthorizedKeysFile ${authorizedKeys}`,
          "UsePAM no",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "PermitRootLogin prohibit-password",
          "PermitUserEnvironment no",
          "StrictModes no",
          "Subsystem sftp internal-sftp",
          "",
        ].join("\n"),
      );
      // `ip netns exec` runs in a private mount namespace: the binds below are this host's alone, and go with its processes.
      const hideJava = opts.noJava?.includes(name) && fs.existsSync(JVM) ? `mount --bind ${quote(empty)} ${JVM} && ` : "";
      const script = `hostname ${name} && mount --bind ${quote(host.root)} /srv && ${hideJava}exec /usr/sbin/sshd -D -e -f ${quote(config)}`;
      const log = path.join(dir, "sshd.log");
      const fd = fs.openSync(log, "a");
      const sshd = spawn("ip", ["netns", "exec", ns, "unshare", "--uts", "sh", "-c", script], { detached: true, stdio: ["ignore", fd, fd] });
      fs.closeSync(fd);
      sshd.unref();
      let exited = false;
      exits.push(
        ended(sshd).then(() => {
          exited = true;
        }),
      );
      sshds.push({ host, log, exited: () => exited });
    }

    await Promise.all(
      sshds.map(async ({ host, log, exited }) => {
        for (const deadline = Date.now() + 5000; !(await connects(host.address, 22, 500)); await sleep(50)) {
          if (exited() || Date.now() > deadline)
            throw new Error(`sshd of ${host.name} does not accept connections on ${host.address}:22; its log:\n${fs.readFileSync(log, "utf8")}`);
        }
      }),
    );

    const find = (name: string) => {
      const host = hosts.find((h) => h.name === name);
      if (!host) throw new Error(`no test host ${name}`);
      return host;
    };
    const setLink = (name: string, state: "up" | "down") => {
      const { ns } = find(name);
      run("ip", ["-n", ns, "link", "set", "eth0", state]);
      run("ip", ["link", "set", veth(ns), state]);
    };
    return {
      hosts,
      user: "root",
      privateKeyFile,
      linkDown: (name) => setLink(name, "down"),
      linkUp: (name) => setLink(name, "up"),
      holdPort: (name, port) => holdPort(find(name), port, exits),
      pids: (name) => namespacePids(find(name).ns).filter((pid) => !comm(pid).startsWith("sshd")),
      files: (name) => fs.readdirSync(find(name).root, { recursive: true, encoding: "utf8" }).sort(),
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** A Node listener in the host's namespace: a process of its own, as another program holding the port would be. */
function holdPort(host: TestHost, port: number, exits: Promise<void>[]): Promise<() => void> {
  const code = `require("node:net").createServer().listen(${port}, "${host.address}", () => console.log("listening"))`;
  const child = spawn("ip", ["netns", "exec", host.ns, process.execPath, "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
  exits.push(ended(child));
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (status) => reject(new Error(`holding ${host.address}:${port} on ${host.name} failed (exit ${status}): ${stderr}`)));
    child.stdout.once("data", () => {
      // Listening: let it run on its own, without keeping this process's event loop alive.
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      resolve(() => child.kill("SIGKILL"));
    });
  });
}

/** What a crashed earlier run left: its namespaces (and what runs in them), veths, bridge and temp dirs. */
async function removeLeftovers(): Promise<void> {
  const namespaces = run("ip", ["netns", "list"])
    .split("\n")
    .map((line) => line.split(" ")[0])
    .filter((ns) => /^krl-h\d+$/.test(ns));
  await emptyNamespaces(namespaces);
  for (const link of fs.readdirSync("/sys/class/net")) if (/^krl-h\d+-br$/.test(link)) deleteLink(link);
  deleteLink(BRIDGE);
  for (const entry of fs.readdirSync(os.tmpdir())) if (entry.startsWith(TMP_PREFIX)) fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
}

/** Kills every process of the namespaces (TERM, then KILL after 3 s), then deletes them. */
async function emptyNamespaces(namespaces: string[]): Promise<void> {
  const left = () => namespaces.flatMap(namespacePids);
  const waitUntilGone = async (ms: number) => {
    for (const deadline = Date.now() + ms; left().length > 0 && Date.now() < deadline; ) await sleep(50);
  };
  signal(left(), "SIGTERM");
  await waitUntilGone(3000);
  signal(left(), "SIGKILL");
  await waitUntilGone(3000);
  for (const ns of namespaces) if (fs.existsSync(`/run/netns/${ns}`)) run("ip", ["netns", "del", ns]);
}

function namespacePids(ns: string): number[] {
  if (!fs.existsSync(`/run/netns/${ns}`)) return [];
  return run("ip", ["netns", "pids", ns])
    .split("\n")
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** Resolves once the child has exited and been reaped (or could not start). */
function ended(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
}

/** A process's name, "" once it is gone. */
function comm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

function connects(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/** The root namespace's end of a host's veth pair (≤ 15 characters: "krl-h1-br"). */
function veth(ns: string): string {
  return `${ns}-br`;
}

/** Deletes a link of the root namespace if it is there (one end of a veth pair takes the other with it). */
function deleteLink(link: string): void {
  if (fs.existsSync(`/sys/class/net/${link}`)) run("ip", ["link", "del", link]);
}

/** Per interface only: the namespaces' `all`/`default` and the root namespace's other links keep theirs. */
function disableIpv6(link: string): void {
  run("sysctl", ["-q", "-w", `net.ipv6.conf.${link}.disable_ipv6=1`]);
}

function keygen(file: string): void {
  run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
}

function mkdir(dir: string): string {
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o755); // whatever the umask
  return dir;
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
