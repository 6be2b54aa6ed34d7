// What identifies a text (a config, TLS material, an image's inputs): its sha256, in hex.
import { createHash } from "node:crypto";

export const fingerprint = (text: string) => createHash("sha256").update(text).digest("hex");
