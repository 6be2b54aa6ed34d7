import { describe, expect, it } from "vitest";
import { COMBINED_3, labConfig } from "../testing";
import { parseLabConfig } from "./config";
import { busyPortProblems, ephemeralPortWarnings, securityFindings, validateLab } from "./validate";

describe("validateLab", () => {
  it("accepts the lab's 3 combined nodes and dedicated controllers", () => {
    expect(validateLab(labConfig(COMBINED_3))).toEqual({ errors: [], warnings: [] });
    expect(validateLab(labConfig({ 1: "controller", 2: "controller", 3: "controller", 4: "broker", 5: "broker" }))).toEqual({
      errors: [],
      warnings: [],
    });
  });

  it("refuses a release and a distribution of one's own together, kraft.version as a feature, and auto-join of controllers", () => {
    expect(validateLab(labConfig(COMBINED_3, { kafkaVersion: "4.2.2", kafkaHome: "/opt/kafka" })).errors).toEqual([
      "kraftlab:kafkaVersion: set either kraftlab:kafkaVersion (a release kraftlab lays out from Maven Central) or kraftlab:kafkaHome (a distribution of your own), not both",
    ]);
    expect(validateLab(labConfig(COMBINED_3, { features: { "kraft.version": 1, "metadata.version": "4.3" } })).errors).toEqual([
      "kraftlab:features.kraft.version: kraft.version moves only with the quorum's migration (kraftlab:quorum: dynamic), never as a feature; remove it from kraftlab:features",
    ]);
    expect(validateLab(labConfig(COMBINED_3, { features: "auto", kafkaVersion: "4.4.0" })).errors).toEqual([]);
    const autoJoin = { properties: { "controller.quorum.auto.join.enable": true } };
    expect(validateLab(labConfig(COMBINED_3, autoJoin)).errors).toEqual([
      "kraftlab:properties.controller.quorum.auto.join.enable: kraftlab adds and removes controllers itself (kraftlab:nodes), and with auto-join a removed controller that still runs joins again (KAFKA-19850); remove it",
    ]);
  });

  it("warns of an even number of controllers", () => {
    expect(validateLab(labConfig({ ...COMBINED_3, 4: "controller" })).warnings).toEqual([
      "kraftlab:nodes: 4 controllers tolerate no more failures than 3; use an odd number of controllers",
    ]);
  });

  it("refuses to drain a broker that is still declared", () => {
    expect(validateLab(labConfig({ ...COMBINED_3, 4: "broker" }, { drainBrokers: [4] })).errors).toEqual([
      "kraftlab:drainBrokers[0]: node 4 is still in kraftlab:nodes; remove it from kraftlab:nodes to drain it and take it out of the cluster",
    ]);
    expect(validateLab(labConfig(COMBINED_3, { drainBrokers: [4] })).errors).toEqual([]);
  });

  it("refuses an empty cluster with an example", () => {
    expect(validateLab(labConfig({})).errors).toEqual(["kraftlab:nodes: no node declared; declare at least one, e.g. { id: 1, roles: [broker, controller] }"]);
  });

  it("refuses duplicate ids, naming both entries", () => {
    const cfg = labConfig(COMBINED_3);
    cfg.nodes[2].id = 1;
    expect(validateLab(cfg).errors).toContain("kraftlab:nodes[2].id: node id 1 is already used by kraftlab:nodes[0]; give every node its own id");
  });

  it("refuses a cluster without a controller, and one without a broker", () => {
    expect(validateLab(labConfig({ 1: "broker", 2: "broker" })).errors).toEqual([
      expect.stringMatching(/^kraftlab:nodes: no node has the controller role; .*roles \[broker, controller\]/),
    ]);
    expect(validateLab(labConfig({ 1: "controller" })).errors).toEqual([expect.stringMatching(/^kraftlab:nodes: no node has the broker role; .*add "broker"/)]);
  });

  it("warns about an even number of controllers", () => {
    const { errors, warnings } = validateLab(labConfig({ 1: "broker,controller", 2: "broker,controller" }));
    expect(errors).toEqual([]);
    expect(warnings).toEqual(["kraftlab:nodes: 2 controllers tolerate no more failures than 1; use an odd number of controllers"]);
  });

  it("refuses a role listed twice", () => {
    expect(validateLab(labConfig({ 1: "broker,controller,broker" })).errors).toEqual([
      "kraftlab:nodes[0].roles: a role is listed twice; list each of broker, controller at most once",
    ]);
  });

  it("finds two listeners on one port, across nodes", () => {
    const cfg = labConfig(COMBINED_3);
    cfg.nodes[1].ports = { external: 9093 };
    expect(validateLab(cfg).errors).toEqual([
      "kraftlab:nodes[1] (node 2) external port: 9093 is also the nodes[0] (node 1) internal port; set kraftlab:nodes[1].ports.external or change kraftlab:ports so that every listener has its own port",
    ]);
  });

  it("finds ports pushed past 65535 by the step", () => {
    const cfg = labConfig({ 1: "broker,controller", 700: "broker" });
    expect(validateLab(cfg).errors[0]).toMatch(
      /^kraftlab:nodes\[1\] \(node 700\) external port: 78992 is not a valid port \(1-65535\): node 700 listens on kraftlab:ports.external \+ \(700 - 1\) × kraftlab:ports.step; change those, or set kraftlab:nodes\[1\].ports.external$/,
    );
  });

  it("gives node 0 the ports before node 1's, and refuses a derived port below 1", () => {
    const cfg = labConfig({ 0: "broker,controller", 1: "broker,controller", 2: "broker,controller" });
    expect(validateLab(cfg).errors).toEqual([]);
    const low = labConfig(
      { 0: "broker,controller", 1: "broker,controller", 2: "broker,controller" },
      { ports: { external: 50, internal: 51, controller: 52 } },
    );
    expect(validateLab(low).errors[0]).toBe(
      "kraftlab:nodes[0] (node 0) external port: -50 is not a valid port (1-65535): node 0 listens on kraftlab:ports.external + (0 - 1) × kraftlab:ports.step; change those, or set kraftlab:nodes[0].ports.external",
    );
  });

  it("refuses a heap the log cleaner's buffer would not fit in", () => {
    expect(validateLab(labConfig(COMBINED_3, { heap: "128m" })).errors).toEqual([
      "kraftlab:heap: 128m is too small: each node's log cleaner takes log.cleaner.dedupe.buffer.size (128 MiB) of it at start, and the node dies of OutOfMemoryError; use at least 256m",
    ]);
    expect(validateLab(labConfig(COMBINED_3, { heap: "256m" })).errors).toEqual([]);
    expect(validateLab(labConfig(COMBINED_3, { heap: "1g" })).errors).toEqual([]);
    expect(validateLab(labConfig(COMBINED_3, { heap: "160m", properties: { "log.cleaner.dedupe.buffer.size": 16 * 1024 * 1024 } })).errors).toEqual([]);
  });

  it("refuses a host Kafka cannot advertise or that is no address", () => {
    const hostErrors = (host: string) => validateLab(labConfig(COMBINED_3, { host })).errors;
    expect(hostErrors("0.0.0.0")).toEqual([
      "kraftlab:host: 0.0.0.0 is the wildcard address: Kafka can bind it but cannot advertise it to clients; set it to an address of this machine that clients can reach, e.g. 127.0.0.1",
    ]);
    expect(hostErrors("999.1.1.1")).toEqual([
      "kraftlab:host: 999.1.1.1 is not a valid IPv4 address; set it to an address of this machine that clients can reach, e.g. 127.0.0.1",
    ]);
    expect(hostErrors("my host")).toEqual([
      'kraftlab:host: "my host" is neither an IP address nor a host name; set it to an address of this machine that clients can reach, e.g. 127.0.0.1',
    ]);
    expect(hostErrors("::1")).toEqual([
      "kraftlab:host: ::1 is an IPv6 address, which kraftlab does not support yet (listeners, voters and bootstrap lists are written host:port); use an IPv4 address, e.g. 127.0.0.1",
    ]);
    expect(hostErrors("localhost")).toEqual([]);
    expect(hostErrors("127.0.0.2")).toEqual([]);
  });

  it("refuses a replication factor above the broker count, and min ISR above the factor", () => {
    expect(validateLab(labConfig(COMBINED_3, { replication: { factor: 4 } })).errors).toEqual([
      "kraftlab:replication.factor: 4 is more than the 3 broker(s); lower it or add brokers",
    ]);
    expect(validateLab(labConfig(COMBINED_3, { replication: { minInsyncReplicas: 4 } })).errors).toEqual([
      "kraftlab:replication.minInsyncReplicas: 4 is more than the replication factor 3, so no acks=all write could succeed; lower it",
    ]);
  });

  it("refuses properties that kraftlab manages, naming the key to use", () => {
    const cfg = labConfig(COMBINED_3, { properties: { "log.dirs": "/data", "log.retention.hours": 1 } });
    cfg.nodes[0].properties = { "node.id": 7 };
    expect(validateLab(cfg).errors).toEqual([
      'kraftlab:properties.log.dirs: "log.dirs" is managed by kraftlab; set kraftlab:labDir instead',
      'kraftlab:nodes[0].properties.node.id: "node.id" is managed by kraftlab; set kraftlab:nodes[].id instead',
    ]);
  });

  it("warns when the listeners are not on loopback", () => {
    expect(validateLab(labConfig(COMBINED_3, { host: "192.0.2.10" })).warnings).toEqual([
      expect.stringMatching(/^kraftlab:host: 192\.0\.2\.10 is not a loopback address/),
    ]);
  });
});

describe("busyPortProblems", () => {
  const lab = { labDir: "/labs/dev", stack: "kraftlab/dev" };

  it("names the node, listener, port, what holds it when seen, and the fix", () => {
    expect(
      busyPortProblems(
        [
          { nodeId: 2, kind: "external", port: 9192 },
          { nodeId: 2, kind: "internal", port: 9193, holder: { pid: 812, command: "nginx -g daemon off;" } },
          {
            nodeId: 3,
            kind: "external",
            port: 9292,
            holder: { pid: 90, command: "kafka.Kafka …", node: { labDir: "/labs/prod", id: 1, stack: "kraftlab/prod" } },
          },
        ],
        lab,
      ),
    ).toEqual([
      "node 2 external port 9192 is already in use by another process; stop that process, or set kraftlab:ports (or kraftlab:nodes[].ports.external) to a free port",
      "node 2 internal port 9193 is already in use by another process (pid 812: nginx -g daemon off;); stop that process, or set kraftlab:ports (or kraftlab:nodes[].ports.internal) to a free port",
      "node 3 external port 9292 is already in use by node 1 of kraftlab stack kraftlab/prod (/labs/prod, pid 90); run `pulumi destroy` on stack kraftlab/prod, or set kraftlab:ports (or kraftlab:nodes[].ports.external) to a free port",
    ]);
  });

  it("says a running lab of this stack cannot move, instead of naming its own ports", () => {
    const holder = { pid: 90, command: "kafka.Kafka …", node: { labDir: "/labs/old", id: 1, stack: "kraftlab/dev" } };
    expect(
      busyPortProblems(
        [
          { nodeId: 1, kind: "external", port: 9092, holder },
          { nodeId: 1, kind: "internal", port: 9093, holder },
        ],
        lab,
      ),
    ).toEqual([
      "kraftlab:labDir: this lab lives in /labs/old; moving it to /labs/dev would leave its nodes' data (or certificates) behind: set kraftlab:labDir back to /labs/old, or run `pulumi destroy` first and then `pulumi up` with the new directory",
    ]);
  });

  it("tells a second checkout on the machine from a moved lab: the stack's lab is the other checkout's", () => {
    const holder = { pid: 90, command: "kafka.Kafka …", node: { labDir: "/src/kraftlab/.lab/dev", id: 1, stack: "kraftlab/dev" } };
    expect(busyPortProblems([{ nodeId: 1, kind: "external", port: 9092, holder }], { labDir: "/home/me/kraftlab-2/.lab/dev", stack: "kraftlab/dev" })).toEqual([
      "stack dev already has a lab, created from another checkout of kraftlab, /src/kraftlab (its lab: /src/kraftlab/.lab/dev); the checkouts of one machine share the stacks. " +
        "Run kraftlab there (`cd /src/kraftlab && npm run up`), or give this checkout a stack of its own (`KRAFTLAB_STACK=<name> npm run up`; with plain pulumi, `pulumi stack init <name>`)",
    ]);
  });
});

describe("securityFindings", () => {
  const security = (extra: Record<string, unknown> = {}) => labConfig(COMBINED_3, { security: { users: { admin: {}, alice: {} }, ...extra } }).security!;

  it("accepts the lab's secure setup", () => {
    expect(securityFindings(security({ acls: [{ principal: "User:alice", operation: "Read" }], quotas: { alice: { producerByteRate: 1024 } } }))).toEqual({
      errors: [],
      warnings: [],
    });
  });

  it("refuses a PLAINTEXT controller or inter-broker listener under the authorizer", () => {
    expect(securityFindings(security({ listeners: { controller: "PLAINTEXT" } })).errors).toEqual([
      "kraftlab:security.listeners.controller: PLAINTEXT nodes present User:ANONYMOUS, which the authorizer would have to make a super user, opening the cluster to every plaintext client; use SASL_SSL or SSL",
    ]);
  });

  it("names ACLs, quotas and super users that point at undeclared users", () => {
    const { errors } = securityFindings(
      security({ superUsers: ["admin", "root"], acls: [{ principal: "User:bob", operation: "Write" }], quotas: { carol: { consumerByteRate: 1 } } }),
    );
    expect(errors).toEqual([
      'kraftlab:security.superUsers[1]: "root" is not a user; declare it under kraftlab:security.users (declared: admin, alice)',
      "kraftlab:security.acls[0].principal: User:bob is not a user; declare it under kraftlab:security.users (declared: admin, alice)",
      'kraftlab:security.quotas.carol: "carol" is not a user; declare it under kraftlab:security.users (declared: admin, alice)',
    ]);
  });

  it("needs the admin user declared and a super user", () => {
    expect(securityFindings(security({ adminUser: "alice" })).errors).toEqual([
      'kraftlab:security.superUsers: the admin user "alice" manages ACLs and quotas and must be a super user; add it',
    ]);
    expect(securityFindings({ ...security(), users: { alice: {} } }).errors[0]).toBe(
      'kraftlab:security.adminUser: "admin" is not a user; declare it under kraftlab:security.users (declared: alice)',
    );
  });

  it("accepts SCRAM for clients, and says when no SASL listener uses it", () => {
    expect(securityFindings(security({ mechanism: "SCRAM-SHA-512" }))).toEqual({ errors: [], warnings: [] });
    expect(securityFindings(security({ mechanism: "SCRAM-SHA-256", listeners: { external: "SSL" } })).warnings[0]).toBe(
      "kraftlab:security.mechanism: SCRAM-SHA-256 is unused: the external listener is SSL, without SASL",
    );
  });

  it("refuses passwords JAAS cannot quote", () => {
    expect(securityFindings(security({ users: { admin: {}, alice: { password: 'quote"inside' } } })).errors[0]).toMatch(
      /^kraftlab:security\.users\.alice\.password: must not contain " or \\/,
    );
  });

  it("explains the TOPIC:* gotcha it handles", () => {
    expect(securityFindings(security({ acls: [{ principal: "User:alice", permission: "Deny", operation: "Write" }] })).warnings).toEqual([
      expect.stringMatching(/^kraftlab:security\.acls: a resource pattern with only Deny ACLs .* adds `Allow User:\* All` there \(deny still wins\)$/),
    ]);
  });
});

describe("ephemeralPortWarnings", () => {
  it("warns about listener ports that outgoing connections may take", () => {
    expect(ephemeralPortWarnings(labConfig(COMBINED_3), [32768, 60999])).toEqual([]);
    expect(
      ephemeralPortWarnings(labConfig({ 1: "broker,controller" }, { ports: { external: 47092, internal: 47093, controller: 9094 } }), [32768, 60999]),
    ).toEqual([
      "kraftlab:ports: node 1 external 47092, node 1 internal 47093 lie in this machine's ephemeral port range 32768-60999, where outgoing connections may take them at any time; use ports below 32768",
    ]);
  });
});

describe("validateLab on machines over SSH", () => {
  const key = { user: "kafka", privateKey: "/k" };
  const nodes = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"], machine: `h${id}` }));
  const machines = { h1: { address: "10.0.0.11", ssh: key }, h2: { address: "10.0.0.12", ssh: key }, h3: { address: "10.0.0.13", ssh: key } };
  const findings = (rest: Record<string, unknown>) => validateLab(parseLabConfig({ runtime: "ssh", machines, nodes, ...rest }));

  it("accepts one node per machine, and two nodes of one machine on ports a step apart", () => {
    expect(findings({})).toEqual({ errors: [], warnings: [] });
    expect(findings({ nodes: [...nodes, { id: 4, roles: ["broker"], machine: "h1" }] }).errors).toEqual([]);
  });

  it("refuses a node with no machine or an unknown one, and a machine in a lab of another runtime", () => {
    expect(
      findings({
        nodes: [
          { id: 1, roles: ["broker", "controller"] },
          { ...nodes[1], machine: "h9" },
        ],
      }).errors,
    ).toEqual([
      "kraftlab:nodes[0].machine: node 1 names no machine; with kraftlab:runtime: ssh give it one of h1, h2, h3",
      "kraftlab:nodes[1].machine: h9 is not in kraftlab:machines (h1, h2, h3); declare it there or name another",
    ]);
    expect(validateLab(parseLabConfig({ nodes })).errors).toContain(
      "kraftlab:nodes[0].machine: a node runs on a machine only with kraftlab:runtime: ssh, and a lab runs all its nodes on one runtime; set kraftlab:runtime: ssh and give every node a machine, or remove it",
    );
    expect(validateLab(parseLabConfig({ runtime: "ssh", nodes })).errors[0]).toMatch(
      /^kraftlab:machines: none declared, and kraftlab:runtime: ssh runs every node on one; declare them/,
    );
  });

  it("refuses a machine without a key, two names for one address, and what an SSH lab cannot do yet", () => {
    const noKey = { ...machines, h3: { address: "10.0.0.11", ssh: { user: "kafka" } } };
    expect(findings({ machines: noKey }).errors).toEqual([
      "kraftlab:machines.h3.ssh: no key to log in with; set kraftlab:machines.h3.ssh.privateKey to a key file of this machine, e.g. ~/.ssh/id_ed25519, or kraftlab:machines.h3.ssh.agent to true to use your ssh-agent",
      "kraftlab:machines.h3.address: 10.0.0.11 is also machine h1's (one machine, one name); give kraftlab:machines.h3 an address of its own, or remove it and name h1 in its nodes",
    ]);
    expect(findings({ monitoring: {} }).errors).toContain(
      "kraftlab:monitoring: not available yet with kraftlab:runtime: ssh (the exporter and its rules would have to go to every machine); remove it for an SSH lab",
    );
    expect(findings({ security: { listeners: { internal: "SSL" } } }).errors).toContain(
      "kraftlab:security.listeners.internal: SSL (mTLS) is not available yet with kraftlab:runtime: ssh (kraftlab's own client would need a node keystore on this machine); use SASL_SSL",
    );
  });

  it("refuses two nodes of one machine on one port", () => {
    const same = [...nodes, { id: 4, roles: ["broker"], machine: "h1", ports: { external: 9092 } }];
    expect(findings({ nodes: same }).errors).toEqual([
      "kraftlab:nodes[3] (node 4) external port: 9092 is also the nodes[0] (node 1) external port; set kraftlab:nodes[3].ports.external or change kraftlab:ports so that every listener has its own port",
    ]);
  });

  it("takes a key file's path, never the key itself, and a host key as known_hosts holds it", () => {
    const parse = (ssh: Record<string, unknown>) => () => parseLabConfig({ runtime: "ssh", machines: { h1: { address: "10.0.0.11", ssh } }, nodes });
    expect(parse({ user: "kafka", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn…" })).toThrow(
      "kraftlab:machines.h1.ssh.privateKey: a path to the key file, not the key itself: kraftlab keeps no key material in the config or in Pulumi state; " +
        "set kraftlab:machines.h1.ssh.privateKey to the key file's path, e.g. ~/.ssh/id_ed25519",
    );
    expect(parse({ user: "kafka", privateKey: "/k", hostKey: "10.0.0.11 ssh-ed25519 AAAA" })).toThrow(
      /a public key as known_hosts holds it, such as ssh-ed25519/,
    );
  });
});
