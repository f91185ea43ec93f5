/**
 * The pages with 1,000 events and 100 releases: each is served well under the 200 ms the pages promise. Events go in
 * through the real envelope endpoint (processed on arrival like any other); each page is then
 * fetched several times over loopback and its median time measured and printed. The bound asserted
 * is the promise itself on the median; the figures are printed for the record.
 */
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { useServer } from "../support/server.js";

const EVENTS = 1_000;
const RUNS = 7;

function envelope(i: number): string {
  const id = i.toString(16).padStart(32, "0");
  const event = {
    event_id: id,
    platform: "javascript",
    level: i % 10 === 0 ? "warning" : "error",
    release: `shop@1.0.${i % 20}`,
    environment: i % 2 ? "production" : "staging",
    timestamp: Date.now() / 1000 - (EVENTS - i),
    tags: { route: `/checkout/${i % 7}` },
    breadcrumbs: Array.from({ length: 20 }, (_, k) => ({ category: "ui.click", message: `click ${k}`, timestamp: 1 })),
    exception: {
      values: [
        {
          type: "TypeError",
          value: `item ${i} has no price`,
          stacktrace: {
            frames: Array.from({ length: 15 }, (_, k) => ({
              abs_path: `https://shop.example/static/js/chunk-${k}.js`,
              function: `fn${k}`,
              lineno: 1,
              colno: 100 + k,
              in_app: k > 5,
            })),
          },
        },
      ],
    },
  };
  return `{"event_id":"${id}"}\n{"type":"event"}\n${JSON.stringify(event)}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe("serve's pages with 1,000 events", () => {
  const s = useServer();

  it("serves every page in under 200 ms (median)", async () => {
    const project = s.server.state.projects.find((p) => p.slug === "frontend")!;
    const auth = `Sentry sentry_key=${project.publicKey}, sentry_version=7`;
    for (let i = 0; i < EVENTS; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          fetch(`${s.server.url}/api/${project.id}/envelope/`, {
            method: "POST",
            headers: { "X-Sentry-Auth": auth },
            body: envelope(i + k + 1),
          }).then((r) => expect(r.status).toBe(200)),
        ),
      );
    }
    expect(s.server.state.events.filter((e) => e.event).length).toBe(EVENTS);
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${s.server.url}/api/0/organizations/acme/releases/`, {
        method: "POST",
        headers: { Authorization: `Bearer ${s.server.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ version: `shop@1.0.${i}`, projects: ["frontend"] }),
      });
      expect(res.status).toBe(201);
    }
    const last = (EVENTS - 1).toString(16).padStart(32, "0");
    const pages = [
      "/",
      "/events",
      "/events?page=10",
      `/events/${last}`,
      "/releases",
      "/releases/acme/shop@1.0.7",
      "/bundles",
      "/health",
      "/monitors",
    ];
    const figures: Record<string, number> = {};
    for (const path of pages) {
      const times: number[] = [];
      let bytes = 0;
      for (let r = 0; r < RUNS; r++) {
        const t = performance.now();
        const res = await fetch(`${s.server.url}${path}`);
        bytes = (await res.text()).length;
        times.push(performance.now() - t);
        expect(res.status, path).toBe(200);
      }
      figures[path] = Math.round(median(times) * 10) / 10;
      expect(bytes).toBeGreaterThan(500);
    }
    console.log(
      [
        "page                                         median ms",
        ...Object.entries(figures).map(([p, ms]) => `${p.padEnd(44)} ${ms}`),
      ].join("\n"),
    );
    for (const [path, ms] of Object.entries(figures)) expect(ms, path).toBeLessThan(200);
  }, 60_000);
});
