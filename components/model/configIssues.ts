// zod's issues as kraftlab messages: the key, the value given, what is expected, and an example to
// set instead. Pure, so every message is unit-tested; config.ts hands it the issues of one parse.
import type { z } from "zod";

/** `kraftlab:nodes[1].roles[0]` style name of a config path. */
export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  return `kraftlab:${String(head ?? "")}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
}

/** Examples by key (prefix stripped), first match wins; keys not listed get one by type. */
const EXAMPLES: [RegExp, string][] = [
  [/^nodes$/, "[{ id: 1, roles: [broker, controller] }, { id: 2, roles: [broker, controller] }, …]"],
  [/^nodes\[\d+\]$/, "{ id: 1, roles: [broker, controller] }"],
  [/^nodes\[\d+\]\.id$/, "1"],
  [/^nodes\[\d+\]\.roles(\[\d+\])?$/, "[broker, controller]"],
  [/^(nodes\[\d+\]\.)?ports$/, "{ external: 9092, internal: 9093, controller: 9094 }"],
  [/^ports\.step$/, "100"],
  [/^(nodes\[\d+\]\.)?ports\.\w+$/, "9092"],
  [/^(nodes\[\d+\]\.)?properties$/, "{ log.retention.hours: 24 }"],
  [/properties\.[^.]/, "24"],
  [/^heap$/, "512m"],
  [/^host$/, "127.0.0.1"],
  [/^(kafkaHome|labDir|certsDir)$/, "/srv/kafka-lab"],
  [/^replication$/, "{ factor: 3, minInsyncReplicas: 2, partitions: 3 }"],
  [/^replication\./, "3"],
  [/Seconds$/, "60"],
  [/^drainBrokers$/, "[4]"],
  [/^drainBrokers\[\d+\]$/, "4"],
  [/^reassignmentThrottle$/, "10485760"],
  [/^topics$/, "{ orders: { partitions: 3, configs: { retention.ms: 86400000 } } }"],
  [/^topics\.[^.]+$/, "{ partitions: 3, configs: { retention.ms: 86400000 } }"],
  [/^topics\.[^.]+\.configs$/, "{ retention.ms: 86400000 }"],
  [/^topics\.[^.]+\.configs\./, "86400000"],
  [/^topics\.[^.]+\.\w+$/, "3"],
  [/^security$/, "{} (TLS and SASL/PLAIN everywhere, user admin) or { mechanism: SCRAM-SHA-512, users: { admin: {}, alice: {} } }"],
  [/^security\.users$/, "{ admin: {}, alice: { password: s3cret-pass } }"],
  [/^security\.users\.[^.]+$/, "{ password: s3cret-pass } or {} for a generated one"],
  [/^security\.users\.[^.]+\.password$/, "s3cret-pass"],
  [/^security\.superUsers/, "[admin]"],
  [/^security\.adminUser$/, "admin"],
  [/^security\.acls(\[\d+\])?$/, "{ principal: User:alice, permission: Deny, operation: Write, resourceName: '*' }"],
  [/^security\.acls\[\d+\]\.principal$/, "User:alice"],
  [/^security\.quotas$/, "{ alice: { producerByteRate: 1024 } }"],
  [/^security\.quotas\./, "{ producerByteRate: 1024 }"],
  [/^security\.listeners$/, "{ external: SASL_SSL, internal: SASL_SSL, controller: SASL_SSL }"],
  [/^security\.\w+Days$/, "365"],
  [/^monitoring$/, "{} (every default) or { prometheusPort: 9090 }"],
  [/^monitoring\.\w+Port$/, "9090"],
  [/^monitoring\.retention$/, "1d"],
  [/^monitoring\.(prometheus|grafana|exporterJar)$/, "/usr/local/bin/prometheus"],
  [/^runtime$/, "ssh, or { kind: docker, subnet: 172.30.7.0/24 }"],
  [/^runtime\.kind$/, "docker"],
  [/^runtime\.image$/, "apache/kafka:4.3.1"],
  [/^runtime\.network$/, "kraftlab-dev"],
  [/^runtime\.subnet$/, "172.30.0.0/24"],
  [/^runtime\.dockerHost$/, "unix:///var/run/docker.sock"],
  [/^nodes\[\d+\]\.machine$/, "h1"],
  [/^machines$/, `{ h1: { address: 10.0.0.11, ssh: { user: kafka, privateKey: ~/.ssh/id_ed25519, hostKey: "ssh-ed25519 AAAA…" } } }`],
  [/^machines\..+\.address$/, "10.0.0.11"],
  [/^machines\..+\.ssh$/, `{ user: kafka, privateKey: ~/.ssh/id_ed25519, hostKey: "ssh-ed25519 AAAA…" }`],
  [/^machines\..+\.ssh\.user$/, "kafka"],
  [/^machines\..+\.ssh\.port$/, "22"],
  [/^machines\..+\.ssh\.privateKey$/, "~/.ssh/id_ed25519"],
  [/^machines\..+\.ssh\.agent$/, "true"],
  [/^machines\..+\.ssh\.hostKey$/, '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…"'],
  [/^machines\..+\.javaHome$/, "/usr/lib/jvm/java-17-openjdk-amd64"],
  [/^machines\..+\.baseDir$/, "/srv/kraftlab"],
  [/^machines\.[^.]+$/, `{ address: 10.0.0.11, ssh: { user: kafka, privateKey: ~/.ssh/id_ed25519, hostKey: "ssh-ed25519 AAAA…" } }`],
];

/** Example names by the map that names things with them (prefix stripped), for a name the map refuses. */
const NAMES: [RegExp, string][] = [[/^machines$/, "h1"]];

/** What a key that takes one of several shapes takes, by key (prefix stripped); keys not listed are property values. */
const UNIONS: [RegExp, string][] = [
  [/^runtime$/, "process, docker or ssh, or a map whose kind is one of them"],
  [/^machines\..+\.ssh\.agent$/, "true (for your SSH_AUTH_SOCK) or an ssh-agent socket's path"],
];

const BY_TYPE: Record<string, string> = { number: "1", int: "1", string: "text", boolean: "true", array: "[ … ]", object: "{ … }" };

/** Valid ranges by key, for numbers that are too small or too big. */
const RANGES: [RegExp, string][] = [
  [/(^|\.)ports\.(external|internal|controller|metrics)$|^monitoring\.\w+Port$|^machines\..+\.ssh\.port$/, "a port is a number from 1 to 65535"],
  [/^nodes\[\d+\]\.id$|^drainBrokers\[\d+\]$/, "node ids are whole numbers from 0 up"],
];

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a map of keys to values",
  record: "a map of keys to values",
};

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : "a number";
  if (typeof value === "object") return "a map";
  return `a ${typeof value}`;
}

/** The value as the user typed it, kept short. */
export function shown(value: unknown): string {
  const text = typeof value === "string" ? `"${value}"` : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The example of `key` in EXAMPLES, if it has one. */
function keyedExample(key: string): string | undefined {
  const bare = key.replace(/^kraftlab:/, "");
  return EXAMPLES.find(([pattern]) => pattern.test(bare))?.[1];
}

function example(key: string, expected?: string): string {
  return keyedExample(key) ?? BY_TYPE[expected ?? ""] ?? 'see README.md, "Configuration"';
}

/** A format's own message, ended with the key's example unless it gives one already. */
function formatted(key: string, message: string): string {
  const own = keyedExample(key);
  return own && !/\b(such as|e\.g\.)/.test(message) ? `${message}; e.g. ${own}` : message;
}

/** What the one zod issue means for the user, as one line (or one line per unknown key). */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const key = configKey(issue.path);
  const bare = key.replace(/^kraftlab:/, "");
  const input = (issue as { input?: unknown }).input;
  const setIt = `\`npm run pulumi -- config set --path '${key}' <value>\``;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys
        .map((k) => `${configKey([...issue.path, k])}: unknown key; remove it (known keys are listed in README.md, "Configuration")`)
        .join("\n  - ");
    case "invalid_type":
      if (input === undefined) return `${key}: required; set it with ${setIt}, e.g. ${example(key, issue.expected)}`;
      return `${key}: ${shown(input)} is ${kindOf(input)}, but it must be ${EXPECTED[issue.expected] ?? issue.expected}; e.g. ${example(key, issue.expected)}`;
    case "too_small":
    case "too_big": {
      const range = RANGES.find(([pattern]) => pattern.test(bare))?.[1];
      if (issue.origin === "string" && issue.code === "too_small" && issue.minimum === 1) return `${key}: is empty; e.g. ${example(key)}`;
      if (issue.origin === "string") {
        const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        return `${key}: "${String(input)}" is too ${issue.code === "too_small" ? "short" : "long"}; use ${bound} characters`;
      }
      if (issue.origin === "array") return `${key}: list at least ${issue.code === "too_small" ? issue.minimum : issue.maximum} item(s), e.g. ${example(key)}`;
      const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      return `${key}: ${shown(input)} is too ${issue.code === "too_small" ? "small" : "big"}; ${range ?? `use ${bound}`}, e.g. ${example(key)}`;
    }
    case "invalid_value":
      return `${key}: ${shown(input)} is not one of ${issue.values.map((v) => String(v)).join(", ")}; e.g. ${issue.values[0] === undefined ? "" : String(issue.values[0])}`;
    case "invalid_union": {
      const takes = UNIONS.find(([pattern]) => pattern.test(bare))?.[1];
      if (takes) return `${key}: ${shown(input)} is not ${takes}; e.g. ${example(key)}`;
      return `${key}: ${shown(input)} is ${kindOf(input)}, but it must be a string, a number or true/false; e.g. ${example(key)}`;
    }
    case "invalid_key": {
      const name = NAMES.find(([pattern]) => pattern.test(configKey(issue.path.slice(0, -1)).replace(/^kraftlab:/, "")))?.[1];
      return `${key}: "${String(issue.path.at(-1))}" is not a valid name: ${issue.issues.map((i) => i.message).join("; ")}; rename it${name ? `, e.g. ${name}` : ""}`;
    }
    case "invalid_format":
      return `${key}: ${shown(input)}: ${formatted(key, issue.message)}`;
    case "custom": {
      // A refinement that names what to set instead (its params.setTo): the change, with the key's example.
      const setTo = (issue.params as { setTo?: string } | undefined)?.setTo;
      return setTo ? `${key}: ${issue.message}; set ${key} to ${setTo}, e.g. ${example(key)}` : `${key}: ${issue.message}`;
    }
    default:
      return `${key}: ${issue.message}`;
  }
}
