/**
 * Cron monitors in `serve`: check-in items from envelopes, processed as Sentry's monitor consumer
 * does — validated (Relay's rules, src/domain/checkin.ts), the monitor upserted from a
 * `monitor_config`, a check-in created or (same `check_in_id`) completed — and serialized as the
 * organization monitors API returns them.
 *
 * What Sentry drops without telling the client (the envelope is still answered 200) is dropped
 * here too, with the reason kept in `state.dropped` for anyone inspecting the server.
 */
import { randomUUID } from "node:crypto";
import { type CheckInPayload, type MonitorConfig, parseCheckIn } from "../domain/checkin.js";
import type { ServerCore } from "./core.js";
import { isoDate, serializeProject } from "./serialize.js";
import type { CheckInRecord, Monitor, Org, Project, ServerState } from "./state.js";

function hyphenate(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function drop(core: ServerCore, type: string, project: Project, reason: string): void {
  const dropped = core.state.dropped;
  dropped.push({ type, projectId: project.id, reason, receivedAt: core.now().toISOString() });
  if (dropped.length > core.limits.recordedDrops) dropped.splice(0, dropped.length - core.limits.recordedDrops);
}

/** Process one `check_in` item for `project`. */
export function ingestCheckIn(core: ServerCore, project: Project, payload: Buffer): void {
  const parsed = parseCheckIn(payload);
  if (typeof parsed === "string") {
    drop(core, "check_in", project, parsed);
    return;
  }
  applyCheckIn(core, project, parsed);
  core.persist.saveJson("monitors.json", { monitors: core.state.monitors, checkIns: core.state.checkIns });
}

function applyCheckIn(core: ServerCore, project: Project, c: CheckInPayload): void {
  const { state } = core;
  const now = core.now().toISOString();
  if (c.status === "unknown") {
    drop(core, "check_in", project, "invalid check-in status");
    return;
  }
  let monitor = state.monitors.find((m) => m.projectId === project.id && m.slug === c.monitor_slug);
  if (c.monitor_config) {
    if (monitor) monitor.config = c.monitor_config;
    else if (state.monitors.filter((m) => m.orgId === project.orgId).length >= core.limits.monitorsPerOrg) {
      drop(core, "check_in", project, `You may not exceed ${core.limits.monitorsPerOrg} monitors per organization`);
      return;
    } else {
      monitor = {
        id: randomUUID(),
        orgId: project.orgId,
        projectId: project.id,
        slug: c.monitor_slug,
        name: c.monitor_slug,
        config: c.monitor_config,
        dateCreated: now,
        environments: [],
      };
      state.monitors.push(monitor);
    }
  }
  if (!monitor) {
    drop(
      core,
      "check_in",
      project,
      `monitor '${c.monitor_slug}' does not exist and the check-in has no monitor_config`,
    );
    return;
  }
  const envName = c.environment || "production";
  let env = monitor.environments.find((e) => e.name === envName);
  if (!env) {
    env = { name: envName, status: "active", dateCreated: now, lastCheckIn: null };
    monitor.environments.push(env);
  }
  const id = hyphenate(c.check_in_id);
  const existing = state.checkIns.find((x) => x.id === id && x.monitorId === monitor.id);
  if (existing) {
    if (existing.status !== "in_progress") {
      drop(core, "check_in", project, `check-in ${id} is already completed`);
      return;
    }
    existing.status = c.status;
    existing.duration =
      c.duration !== undefined
        ? Math.round(c.duration * 1000)
        : c.status === "in_progress"
          ? null
          : Date.parse(now) - Date.parse(existing.dateCreated);
    existing.dateUpdated = now;
  } else {
    state.checkIns.push({
      id,
      monitorId: monitor.id,
      projectId: project.id,
      environment: envName,
      status: c.status,
      duration: c.duration !== undefined ? Math.round(c.duration * 1000) : null,
      dateCreated: now,
      dateUpdated: now,
      monitorConfig: c.monitor_config ?? null,
    });
    const max = core.limits.recordedCheckIns;
    if (state.checkIns.length > max) state.checkIns.splice(0, state.checkIns.length - max);
  }
  env.lastCheckIn = now;
  if (c.status !== "in_progress") env.status = c.status;
}

/** Sentry's `config` block: `schedule` is the crontab string, or `[value, unit]` for an interval. */
function serializeConfig(c: MonitorConfig): Record<string, unknown> {
  return {
    schedule_type: c.schedule.type,
    schedule: c.schedule.type === "crontab" ? c.schedule.value : [c.schedule.value, c.schedule.unit],
    checkin_margin: c.checkin_margin ?? null,
    max_runtime: c.max_runtime ?? null,
    timezone: c.timezone ?? "UTC",
    failure_issue_threshold: c.failure_issue_threshold ?? null,
    recovery_threshold: c.recovery_threshold ?? null,
    alert_rule_id: null,
  };
}

export function serializeMonitor(state: ServerState, org: Org, m: Monitor): Record<string, unknown> {
  const project = state.projects.find((p) => p.id === m.projectId)!;
  return {
    id: m.id,
    slug: m.slug,
    name: m.name,
    status: "active",
    isMuted: false,
    isUpserting: true,
    config: serializeConfig(m.config),
    dateCreated: isoDate(m.dateCreated),
    project: serializeProject(project, org),
    environments: m.environments.map((e) => ({
      name: e.name,
      status: e.status,
      isMuted: false,
      dateCreated: isoDate(e.dateCreated),
      lastCheckIn: e.lastCheckIn ? isoDate(e.lastCheckIn) : null,
      nextCheckIn: null,
      nextCheckInLatest: null,
    })),
    owner: null,
  };
}

export function serializeCheckIn(c: CheckInRecord): Record<string, unknown> {
  return {
    id: c.id,
    environment: c.environment,
    status: c.status,
    duration: c.duration,
    dateCreated: isoDate(c.dateCreated),
    dateAdded: isoDate(c.dateCreated),
    dateUpdated: isoDate(c.dateUpdated),
    dateInProgress: isoDate(c.dateCreated),
    expectedTime: null,
    monitorConfig: c.monitorConfig ? serializeConfig(c.monitorConfig) : {},
  };
}
