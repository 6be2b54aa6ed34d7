import { describe, expect, it } from "vitest";
import { kafkaUuid } from "./handler";

describe("kafkaUuid", () => {
  it("makes Kafka-style ids: 22 URL-safe base64 characters, never starting with '-'", () => {
    const ids = Array.from({ length: 500 }, kafkaUuid);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
