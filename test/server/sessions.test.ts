/**
 * Release health in the embedded server: session and sessions items under Relay's rules, counted
 * as Sentry counts them, and served through the organization sessions API and the release
 * details with health=1.
 */
import { describe, expect, it } from "vitest";
import { useServer } from "../support/server.js";
import { aggregates, sendItems, sessionLifecycle } from "../support/sessions.js";

const s = useServer();

async function sessionsApi(query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.server.url}/api/0/organizations/acme/sessions/?${query}`, {
    headers: { authorization: `Bearer ${s.server.token}` },
  });
  return { status: res.status, body: await res.json() };
}

const FIELDS = "field=sum(session)&field=count_unique(user)&field=crash_free_rate(session)&field=crash_free_rate(user)";

describe("sessions in serve", () => {
  it("counts init updates once, crashes once per session, users by did, and serves crash-free rates", async () => {
    const r = await sendItems(s.server, [
      ...sessionLifecycle("h-1.0", { sid: "a".repeat(32), did: "u1", status: "exited" }),
      ...sessionLifecycle("h-1.0", { sid: "b".repeat(32), did: "u2", status: "crashed" }),
      ...sessionLifecycle("h-1.0", { sid: "c".repeat(32), did: "u2", status: "exited", errors: 2 }),
      ...sessionLifecycle("h-1.0", { sid: "d".repeat(32), did: "u3", status: "exited" }),
    ]);
    expect(r.status).toBe(200);
    // A second end of an ended session is refused (status transitions), so it is never counted twice.
    await sendItems(
      s.server,
      sessionLifecycle("h-1.0", { sid: "b".repeat(32), did: "u2", status: "crashed" }).slice(1),
    );
    expect(s.server.state.dropped.at(-1)?.reason).toMatch(/already ended \(crashed\)/);

    const api = await sessionsApi(`${FIELDS}&query=release:"h-1.0"&statsPeriod=1h&interval=1h`);
    expect(api.status).toBe(200);
    expect(api.body.groups).toHaveLength(1);
    expect(api.body.groups[0].by).toEqual({});
    expect(api.body.groups[0].totals).toEqual({
      "sum(session)": 4,
      "count_unique(user)": 3,
      "crash_free_rate(session)": 0.75,
      "crash_free_rate(user)": 1 - 1 / 3,
    });
    expect(api.body.intervals.length).toBeGreaterThanOrEqual(1);
    expect(api.body.groups[0].series["sum(session)"].reduce((x: number, y: number) => x + y, 0)).toBe(4);
  });

  it("drops what Relay drops: no release, an invalid release, an unknown status, a session older than 5 days", async () => {
    const before = s.server.state.dropped.length;
    const old = new Date(Date.now() - 6 * 86_400_000).toISOString();
    const r = await sendItems(s.server, [
      { type: "session", payload: { sid: "e".repeat(32), init: true, started: new Date().toISOString(), attrs: {} } },
      {
        type: "session",
        payload: { sid: "f".repeat(32), init: true, started: new Date().toISOString(), attrs: { release: "a/b" } },
      },
      {
        type: "session",
        payload: {
          sid: "1".repeat(32),
          init: true,
          status: "sleeping",
          started: new Date().toISOString(),
          attrs: { release: "h-2.0" },
        },
      },
      { type: "session", payload: { sid: "2".repeat(32), init: true, started: old, attrs: { release: "h-2.0" } } },
      { type: "sessions", payload: "not json" },
    ]);
    expect(r.status).toBe(200); // dropped silently, as Relay does
    expect(s.server.state.dropped.slice(before).map((d) => d.reason)).toEqual([
      "missing attrs.release",
      "invalid release: it contains '/'",
      "unknown session status 'sleeping'",
      "session older than 5 days",
      "invalid sessions payload",
    ]);
    const api = await sessionsApi(`${FIELDS}&query=release:"h-2.0"`);
    expect(api.body.groups[0].totals["sum(session)"]).toBe(0);
    expect(api.body.groups[0].totals["crash_free_rate(session)"]).toBeNull();
  });

  it("adds aggregates, groups by release and environment, and filters by environment and project", async () => {
    await sendItems(s.server, [
      aggregates("h-3.0", [{ exited: 90, errored: 5, crashed: 5, did: "x" }]),
      aggregates("h-3.1", [{ exited: 10 }], "staging"),
    ]);
    const byRelease = await sessionsApi(
      `field=sum(session)&field=crash_free_rate(session)&groupBy=release&groupBy=environment&query=release:["h-3.0","h-3.1"]`,
    );
    expect(byRelease.status).toBe(200);
    expect(byRelease.body.groups.map((g: any) => [g.by, g.totals])).toEqual([
      [
        { release: "h-3.0", environment: "production" },
        { "sum(session)": 100, "crash_free_rate(session)": 0.95 },
      ],
      [
        { release: "h-3.1", environment: "staging" },
        { "sum(session)": 10, "crash_free_rate(session)": 1 },
      ],
    ]);
    const prodOnly = await sessionsApi(`field=sum(session)&environment=staging&query=release:h-3.1`);
    expect(prodOnly.body.groups[0].totals["sum(session)"]).toBe(10);
    const backend = s.server.state.projects.find((p) => p.slug === "backend")!;
    const other = await sessionsApi(`field=sum(session)&project=${backend.id}&query=release:h-3.0`);
    expect(other.body.groups[0].totals["sum(session)"]).toBe(0);
    const byProject = await sessionsApi(`field=sum(session)&groupBy=project&query=release:h-3.0`);
    expect(byProject.body.groups).toEqual([
      expect.objectContaining({ by: { project: 1 }, totals: { "sum(session)": 100 } }),
    ]);
  });

  it("answers bad parameters as Sentry does", async () => {
    expect((await sessionsApi("")).body).toEqual({ detail: 'Request is missing a "field"' });
    expect((await sessionsApi("field=sum(foo)")).body).toEqual({ detail: 'Invalid field: "sum(foo)"' });
    expect((await sessionsApi("field=sum(session)&groupBy=os")).body).toEqual({ detail: 'Invalid groupBy: "os"' });
    expect((await sessionsApi("field=sum(session)&project=web")).status).toBe(400);
    expect((await sessionsApi("field=sum(session)&statsPeriod=90d&interval=1m")).status).toBe(400);
    const ro = await fetch(`${s.server.url}/api/0/organizations/acme/sessions/?field=sum(session)`, {
      headers: { authorization: `Bearer ${s.server.readOnlyToken}` },
    });
    expect(ro.status).toBe(403);
  });

  it("puts healthData in the release details with health=1", async () => {
    await fetch(`${s.server.url}/api/0/organizations/acme/releases/`, {
      method: "POST",
      headers: { authorization: `Bearer ${s.server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ version: "h-3.0", projects: ["frontend"] }),
    });
    const res = await fetch(`${s.server.url}/api/0/organizations/acme/releases/h-3.0/?health=1`, {
      headers: { authorization: `Bearer ${s.server.token}` },
    });
    const body = (await res.json()) as { projects: Array<{ hasHealthData: boolean; healthData: any }> };
    expect(body.projects[0]!.hasHealthData).toBe(true);
    expect(body.projects[0]!.healthData).toMatchObject({
      crashFreeSessions: 95,
      crashFreeUsers: 0,
      totalSessions: 100,
      totalUsers: 1,
      sessionsCrashed: 5,
      hasHealthData: true,
    });
    const plain = await fetch(`${s.server.url}/api/0/organizations/acme/releases/h-3.0/`, {
      headers: { authorization: `Bearer ${s.server.token}` },
    });
    const p = (await plain.json()) as { projects: Array<Record<string, unknown>> };
    expect(p.projects[0]!.healthData).toBeUndefined();
    expect(p.projects[0]!.hasHealthData).toBe(true);
  });
});
