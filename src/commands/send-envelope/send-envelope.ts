/**
 * `send-envelope FILE…`: validate stored envelopes with Relay's rules and send them, re-serialised
 * as sentry-cli does (`--raw`: byte for byte). Files in the spool folder are resent unchanged and
 * removed once a DSN accepts them.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { CommandContext } from "../../context.js";
import { type Dsn, dsnHost } from "../../domain/dsn.js";
import { type Envelope, EnvelopeError, normalizeEventId, parseEnvelope } from "../../domain/envelope.js";
import { ApiError, environmentCause, InputError, isShipError, NetworkError, type ShipError } from "../../errors.js";
import {
  type DeliveryFlags,
  type DispatchFlags,
  dispatch,
  dispatchFlags,
  resolveDsns,
  spoolDir,
} from "../../events/dispatch.js";
import { envelopeCategory, reserializeEnvelope } from "../../events/envelope-file.js";
import { EventInputError } from "../../events/event.js";
import { expandPaths } from "../../events/files.js";
import { claimSpoolFile, isInSpool, reclaimAbandoned, releaseSpoolClaim } from "../../events/spool.js";
import type { CommandOptions } from "../runner.js";

export interface SendEnvelopeOptions extends DispatchFlags {
  paths: string[];
  raw?: boolean;
  dryRun?: boolean;
}

/** What commander parses for `send-envelope`. */
export interface SendEnvelopeFlags extends DeliveryFlags {
  raw?: boolean;
  dryRun?: boolean;
}

export function sendEnvelopeOptions(o: CommandOptions<SendEnvelopeFlags>, paths: string[]): SendEnvelopeOptions {
  return {
    paths,
    raw: o.raw === true,
    ...dispatchFlags(o),
    dryRun: o.dryRun === true,
  };
}

interface Prepared {
  display: string;
  path: string;
  envelope?: Envelope;
  bytes: Buffer;
  /** Sent byte for byte (`--raw` or a spool file). */
  unchanged: boolean;
  spooled: boolean;
}

export async function runSendEnvelope(opts: SendEnvelopeOptions, ctx: CommandContext): Promise<void> {
  const spool = spoolDir(ctx, opts);
  for (const name of opts.dryRun ? [] : reclaimAbandoned(spool))
    ctx.out.info(`> ${name} was claimed by a run that ended; it is back in the spool`);
  const prepared: Prepared[] = [];
  for (const f of await expandPaths(opts.paths, ctx.cwd)) {
    const spooled = isInSpool(f.path, spool);
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Another run over the same spool folder took it first.
      if (spooled && code === "ENOENT") {
        ctx.out.info(`> Skipped ${f.display}: another run has sent it`);
        continue;
      }
      throw new InputError(`could not read ${f.display}: ${(code && environmentCause(code)) ?? (e as Error).message}`);
    }
    if (opts.raw) {
      prepared.push({ display: f.display, path: f.path, bytes, unchanged: true, spooled });
      continue;
    }
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(bytes);
    } catch (e) {
      if (e instanceof EnvelopeError) throw new InputError(`${f.display} is not a valid envelope: ${e.message}`);
      throw e;
    }
    if (!spooled) {
      // Fail on a bad event payload now, before anything is sent.
      try {
        reserializeEnvelope(envelope, { now: ctx.now().getTime() / 1000 });
      } catch (e) {
        if (e instanceof EventInputError) throw new InputError(`${f.display}: ${e.message}`);
        throw e;
      }
    }
    prepared.push({ display: f.display, path: f.path, envelope, bytes, unchanged: spooled, spooled });
  }

  const dsns = await resolveDsns(ctx, opts);
  if (opts.dryRun) {
    for (const p of prepared) ctx.out.print(`Would send envelope from file ${p.display} to ${dsnHost(dsns[0]!)}`);
    ctx.out.result({
      ok: true,
      dryRun: true,
      envelopes: prepared.map((p) => ({ file: p.display, items: p.envelope?.items.length })),
    });
    return;
  }

  // Every file is tried, even after one could not be sent: each is an independent envelope.
  const results: Array<Record<string, unknown>> = [];
  const failures: ShipError[] = [];
  const count = { sent: 0, saved: 0, inSpool: 0, failed: 0, skipped: 0 };
  for (const p of prepared) {
    // A spool file is claimed (renamed, atomically) before it is sent, so that concurrent runs over
    // one spool folder never send the same envelope twice; a failed send gives it back.
    let claimed: string | undefined;
    if (p.spooled) {
      claimed = claimSpoolFile(p.path);
      if (claimed === undefined) {
        ctx.out.info(`> Skipped ${p.display}: another run is sending it`);
        count.skipped++;
        continue;
      }
    }
    const now = ctx.now().getTime() / 1000;
    const body = p.unchanged ? () => p.bytes : (dsn: Dsn) => reserializeEnvelope(p.envelope!, { now, target: dsn });
    const eventId = p.envelope ? normalizeEventId(p.envelope.header.event_id) : undefined;
    let savedTo: string | undefined;
    let r: Awaited<ReturnType<typeof dispatch>>;
    try {
      r = await dispatch(ctx, dsns, body, {
        flags: opts,
        category: p.envelope ? envelopeCategory(p.envelope) : "default",
        ...(eventId ? { eventId } : {}),
        what: "envelope",
        // A spool file that fails again stays where it is; no second copy.
        spool: !p.spooled,
        onSpooled: (file) => {
          savedTo = file;
        },
      });
    } catch (e) {
      if (claimed) releaseSpoolClaim(claimed, p.path);
      // One file: its own error says it all (and where it was saved).
      if (prepared.length === 1 || !isShipError(e)) throw e;
      ctx.out.warn(`${p.display}: ${e.message}`);
      failures.push(e);
      if (savedTo) count.saved++;
      else if (p.spooled) count.inSpool++;
      else count.failed++;
      results.push({
        file: p.display,
        ...(savedTo ? { spooled: savedTo } : {}),
        ...(p.spooled ? { inSpool: true } : {}),
        error: e.toJSON(),
      });
      continue;
    }
    ctx.out.print(`Envelope from file ${p.display} dispatched`);
    ctx.out.info(`> Accepted by ${r.host}${r.of > 1 ? ` (DSN ${r.position} of ${r.of})` : ""}`);
    if (claimed) {
      rmSync(claimed, { force: true });
      ctx.out.info(`> Removed ${p.display} from the spool`);
    }
    count.sent++;
    results.push({
      file: p.display,
      acceptedBy: r.host,
      dsnIndex: r.position,
      ...(p.spooled ? { unspooled: true } : {}),
    });
  }
  ctx.out.result({ ok: failures.length === 0, sent: count.sent, envelopes: results });
  if (failures.length > 0) throw summaryError(count, prepared.length, spool, failures);
}

/** `sent 2 of 3 envelopes; 1 saved to DIR — resend with: …`, as the kind of error the files met. */
function summaryError(
  count: { sent: number; saved: number; inSpool: number; failed: number; skipped: number },
  total: number,
  spool: string,
  failures: ShipError[],
): ShipError {
  const parts = [
    count.saved ? `${count.saved} saved to ${spool}` : "",
    count.inSpool ? `${count.inSpool} left in the spool` : "",
    count.failed ? `${count.failed} not sent` : "",
    count.skipped ? `${count.skipped} skipped (another run is sending it)` : "",
  ].filter((x) => x !== "");
  const resend =
    count.saved + count.inSpool > 0 ? ` — resend with: sentry-ship send-envelope ${join(spool, "*.envelope")}` : "";
  const message = `sent ${count.sent} of ${total} envelopes; ${parts.join(", ")}${resend}`;
  const network = failures.find((f) => f instanceof NetworkError);
  if (network) return new NetworkError(message, network.url);
  const api = failures.find((f) => f instanceof ApiError);
  if (api) return new ApiError(message, api.status, api.method, api.path, api.body);
  return new InputError(message);
}
