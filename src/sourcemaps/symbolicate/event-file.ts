/**
 * An event read from a file, in any of the forms a user has at hand: the event JSON an SDK sends,
 * an envelope holding it, or the event as the API returns it (`entries`, camelCased frames, raw
 * frames under `rawStacktrace`) — turned back into the event the SDK sent.
 */
import { parseEnvelope } from "../../domain/envelope.js";
import { jsonErrorText } from "../map-json.js";

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

function fromApiFrame(f: Json): Json {
  const out: Json = {};
  const pairs: [string, string][] = [
    ["absPath", "abs_path"],
    ["filename", "filename"],
    ["function", "function"],
    ["module", "module"],
    ["lineNo", "lineno"],
    ["colNo", "colno"],
    ["inApp", "in_app"],
    ["platform", "platform"],
  ];
  for (const [from, to] of pairs) if (f[from] !== null && f[from] !== undefined) out[to] = f[from];
  return out;
}

function fromApiStacktrace(st: unknown): Json | undefined {
  const frames = obj(st)?.frames;
  return Array.isArray(frames) ? { frames: frames.map((f) => fromApiFrame(obj(f) ?? {})) } : undefined;
}

/** The API's event (`entries`) as the SDK sent it: raw frames, debug_meta, release and dist. */
export function eventFromApi(api: Json): Json {
  const entries = Array.isArray(api.entries) ? (api.entries as Json[]) : [];
  const ev: Json = {
    event_id: api.eventID ?? api.id,
    platform: api.platform,
    release: obj(api.release)?.version ?? (typeof api.release === "string" ? api.release : undefined),
    dist: api.dist ?? undefined,
    sdk: api.sdk ?? undefined,
  };
  for (const e of entries) {
    const data = obj(e.data) ?? {};
    if (e.type === "exception" && Array.isArray(data.values)) {
      ev.exception = {
        values: (data.values as Json[]).map((v) => ({
          type: v.type,
          value: v.value,
          stacktrace: fromApiStacktrace(v.rawStacktrace) ?? fromApiStacktrace(v.stacktrace),
        })),
      };
    } else if (e.type === "debugmeta") ev.debug_meta = data;
  }
  return ev;
}

/** Parse an event file: event JSON, an envelope with an `event` item, or the API's event. */
export function eventFromText(text: string): Json {
  const trimmed = text.trim();
  let whole: unknown;
  let jsonError: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch (e) {
    jsonError = e;
  }
  const o = obj(whole);
  if (o) return Array.isArray(o.entries) ? eventFromApi(o) : o;
  let env: ReturnType<typeof parseEnvelope>;
  try {
    env = parseEnvelope(Buffer.from(text, "utf8"));
  } catch (e) {
    // Neither reading applies: say what is wrong with both (an event file with a typo is the
    // likelier one, not an envelope).
    if (jsonError === undefined) throw e;
    throw new Error(`it is not valid JSON (${jsonErrorText(jsonError)}) nor an envelope (${(e as Error).message})`);
  }
  const item = env.items.find((i) => i.header.type === "event");
  if (!item) throw new Error("the envelope has no event item");
  const ev = obj(JSON.parse(item.payload.toString("utf8")));
  if (!ev) throw new Error("the envelope's event is not a JSON object");
  return ev;
}
