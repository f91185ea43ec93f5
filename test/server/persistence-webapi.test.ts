import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startServer } from "../../src/server/index.js";
import { tempDir } from "../support/runCli.js";
import { api } from "../support/webapi.js";

const REL = "/api/0/organizations/acme/releases/";

describe("serve --data: releases, deploys and repos", () => {
  it("writes releases.json, deploys.json and repos.json and reloads them on the next start", async () => {
    const dir = tempDir("ship-data-");
    const first = await startServer({ dataDir: dir });
    try {
      expect(
        (
          await api(first, "POST", "/api/0/organizations/acme/repos/", {
            body: { name: "acme/web", provider: "integrations:github" },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await api(first, "POST", REL, {
            body: { version: "1.0.0", projects: ["frontend"], commits: [{ id: "abc", repository: "origin" }] },
          })
        ).status,
      ).toBe(201);
      expect((await api(first, "POST", `${REL}1.0.0/deploys/`, { body: { environment: "production" } })).status).toBe(
        201,
      );
    } finally {
      await first.close();
    }
    const releases = JSON.parse(readFileSync(join(dir, "releases.json"), "utf8"));
    expect(releases.map((r: { version: string }) => r.version)).toEqual(["1.0.0"]);
    expect(JSON.parse(readFileSync(join(dir, "deploys.json"), "utf8"))).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, "repos.json"), "utf8")).map((r: { name: string }) => r.name)).toEqual([
      "acme/web",
      "origin",
    ]);

    const second = await startServer({ dataDir: dir });
    try {
      const rel = await api(second, "GET", `${REL}1.0.0/`);
      expect(rel.body).toMatchObject({
        id: 1,
        version: "1.0.0",
        commitCount: 1,
        deployCount: 1,
        lastCommit: { id: "abc", repository: { name: "origin" } },
      });
      const repos = await api(second, "GET", "/api/0/organizations/acme/repos/");
      expect(repos.body.map((r: { id: string; name: string }) => [r.id, r.name])).toEqual([
        ["1", "acme/web"],
        ["2", "origin"],
      ]);
      // New ids continue after the reloaded ones.
      expect((await api(second, "POST", REL, { body: { version: "2.0.0", projects: [] } })).body.id).toBe(2);
      expect(
        (
          await api(second, "POST", "/api/0/organizations/acme/repos/", {
            body: { name: "acme/api", provider: "integrations:github" },
          })
        ).body.id,
      ).toBe("3");
      expect((await api(second, "DELETE", `${REL}1.0.0/`)).status).toBe(204);
    } finally {
      await second.close();
    }
    expect(
      JSON.parse(readFileSync(join(dir, "releases.json"), "utf8")).map((r: { version: string }) => r.version),
    ).toEqual(["2.0.0"]);
    expect(JSON.parse(readFileSync(join(dir, "deploys.json"), "utf8"))).toEqual([]);
  });
});
