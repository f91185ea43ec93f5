/**
 * `send-envelope FILE…`: validate stored envelopes with Relay's rules and send them, re-serialised
 * as sentry-cli does (`--raw`: byte for byte). Files in the spool folder are resent unchanged and
 * removed once a DSN accepts them.
 */
import { readFileSync, rmSync } from "node:fs";
import type { CommandContext } from "../../context.js";
import { type Dsn, dsnHost } from "../../domain/dsn.js";
import { type Envelope, EnvelopeError, normalizeEventId, parseEnvelope } from "../../domain/envelope.js";
import { environmentCause, InputError } from "../../errors.js";
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

  const results: Array<Record<string, unknown>> = [];
  for (const p of prepared) {
    // A spool file is claimed (renamed, atomically) before it is sent, so that concurrent runs over
    // one spool folder never send the same envelope twice; a failed send gives it back.
    let claimed: string | undefined;
    if (p.spooled) {
      claimed = claimSpoolFile(p.path);
      if (claimed === undefined) {
        ctx.out.info(`> Skipped ${p.display}: another run is sending it`);
        continue;
      }
    }
    const now = ctx.now().getTime() / 1000;
    const body = p.unchanged ? () => p.bytes : (dsn: Dsn) => reserializeEnvelope(p.envelope!, { now, target: dsn });
    const eventId = p.envelope ? normalizeEventId(p.envelope.header.event_id) : undefined;
    let r: Awaited<ReturnType<typeof dispatch>>;
    try {
      r = await dispatch(ctx, dsns, body, {
        flags: opts,
        category: p.envelope ? envelopeCategory(p.envelope) : "default",
        ...(eventId ? { eventId } : {}),
        what: "envelope",
        // A spool file that fails again stays where it is; no second copy.
        spool: !p.spooled,
      });
    } catch (e) {
      if (claimed) releaseSpoolClaim(claimed, p.path);
      throw e;
    }
    ctx.out.print(`Envelope from file ${p.display} dispatched`);
    ctx.out.info(`> Accepted by ${r.host}${r.of > 1 ? ` (DSN ${r.position} of ${r.of})` : ""}`);
    if (claimed) {
      rmSync(claimed, { force: true });
      ctx.out.info(`> Removed ${p.display} from the spool`);
    }
    results.push({
      file: p.display,
      acceptedBy: r.host,
      dsnIndex: r.position,
      ...(p.spooled ? { unspooled: true } : {}),
    });
    ctx.out.result({ ok: true, envelopes: results });
  }
}
