// kraftlab's Kafka image, built on the engine without a registry: the setup's JRE root filesystem
// imported as the base, then setup/docker/Dockerfile adds the Kafka distribution. Tags carry a hash of
// their inputs, so an image that is there is the image wanted, and an unchanged build costs one lookup.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type Docker from "dockerode";
import { fingerprint } from "../../model/fingerprint";
import type { ImageBuild } from "../spec";
import { unlessMissing } from "./engine";

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");

/** A distribution without the setup's stamp (an unpacked tarball) is known by its files' names and sizes. */
function distributionStamp(kafkaHome: string): string {
  // The jars, and the class list the image's AppCDS archive is dumped from.
  const stamp = read(path.join(kafkaHome, ".stamp")) + read(path.join(kafkaHome, "kafka.jsa.stamp"));
  if (stamp) return stamp;
  return ["bin", "libs", "config"]
    .flatMap((dir) => (fs.existsSync(path.join(kafkaHome, dir)) ? fs.readdirSync(path.join(kafkaHome, dir)).map((f) => path.join(dir, f)) : []))
    .map((f) => `${f}:${fs.statSync(path.join(kafkaHome, f)).size}`)
    .join("\n");
}

/** The base's tag and the image's, each named by a hash of what goes into it. */
export function imageTags(build: ImageBuild): { base: string; image: string } {
  const base = `kraftlab/jre:${fingerprint(read(`${build.rootfs}.stamp`) || build.rootfs).slice(0, 12)}`;
  const image = `kraftlab/kafka:${fingerprint([base, distributionStamp(build.kafkaHome), read(build.dockerfile)].join("\0")).slice(0, 12)}`;
  return { base, image };
}

export const hasImage = async (docker: Docker, name: string) => (await unlessMissing(docker.getImage(name).inspect())) !== undefined;

/** Waits for the end of a progress stream (import, build); the engine reports failures inside it. */
function finished(docker: Docker, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err, output: { error?: string }[]) => {
        const failure = err?.message ?? output.find((o) => o.error)?.error;
        if (failure) reject(new Error(`${what} failed: ${failure}`));
        else resolve();
      },
      () => {},
    );
  });
}

/** Builds the image unless the engine has it: about a minute cold, one lookup when unchanged. */
export async function ensureImage(docker: Docker, build: ImageBuild): Promise<string> {
  const tags = imageTags(build);
  if (await hasImage(docker, tags.image)) return tags.image;
  if (!(await hasImage(docker, tags.base))) {
    if (!fs.existsSync(build.rootfs)) {
      throw new Error(
        `kraftlab:runtime: the JRE root filesystem ${build.rootfs} is missing; run \`npm run up\` (a Docker lab prepares it the first time) or \`bash setup/docker/prepare.sh\`, as root (it builds it with debootstrap)`,
      );
    }
    const [repo, tag] = tags.base.split(":");
    const labelled = { repo, tag, changes: ["LABEL org.kraftlab.image=jre"] };
    await finished(docker, await docker.importImage(build.rootfs, labelled), `importing ${build.rootfs}`);
  }
  // The context: the Dockerfile and a copy of the distribution (its CDS archive fits the host's JVM and paths: left out).
  const context = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-image-"));
  try {
    fs.copyFileSync(build.dockerfile, path.join(context, "Dockerfile"));
    fs.cpSync(build.kafkaHome, path.join(context, "kafka"), { recursive: true, filter: (src) => !/kafka\.jsa(\.stamp)?$|\.stamp$/.test(src) });
    const stream = await docker.buildImage(
      { context, src: ["Dockerfile", "kafka"] },
      { t: tags.image, buildargs: { BASE: tags.base }, rm: true, forcerm: true },
    );
    await finished(docker, stream, `building ${tags.image}`);
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
  return tags.image;
}
