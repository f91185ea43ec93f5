/**
 * Connection pools: one undici Agent (extra CA certificates, `verify_ssl`), and a ProxyAgent when a
 * proxy is configured, used for every host not excluded by NO_PROXY.
 */
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { Agent, type Dispatcher, ProxyAgent } from "undici";
import type { ResolvedConfig } from "../config/types.js";
import { ConfigError } from "../errors.js";

export interface DispatcherChoice {
  dispatcher: Dispatcher;
  /** The proxy's origin (no credentials) when the request goes through one. */
  proxy?: string;
}

export interface Dispatchers {
  forUrl(url: URL): DispatcherChoice;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Read the configured CA files; a missing or certificate-less file is a ConfigError naming it. */
export function readCaFiles(files: string[], sourceLabel?: string): string[] {
  const from = sourceLabel ? ` (from ${sourceLabel})` : "";
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why =
        code === "ENOENT"
          ? "no such file"
          : code === "EACCES"
            ? "permission denied"
            : code === "EISDIR"
              ? "is a directory"
              : (e as Error).message;
      throw new ConfigError(`cannot read CA certificate file ${file}${from}: ${why}`);
    }
    if (!text.includes("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigError(`CA certificate file ${file}${from} contains no PEM certificate`);
    }
    return text;
  });
}

/** NO_PROXY entries from whatever shape the config carries (a Setting, a string, or a list). */
export function noProxyList(config: ResolvedConfig): string[] {
  let v: unknown = (config as unknown as { noProxy?: unknown }).noProxy;
  if (v && typeof v === "object" && !Array.isArray(v) && "value" in v) v = (v as { value: unknown }).value;
  const raw = typeof v === "string" ? v.split(",") : Array.isArray(v) ? v.flatMap((x) => String(x).split(",")) : [];
  return raw.map((s) => s.trim()).filter(Boolean);
}

/**
 * Does `url`'s host match a NO_PROXY list? Entries: `*`; `host`, `.host` and `*.host` (the host and
 * its subdomains); an IP; each optionally with `:port`.
 */
export function matchesNoProxy(url: URL, list: string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of list) {
    let e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e === "*") return true;
    let entryPort: string | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(e);
    if (bracket) {
      e = bracket[1]!;
      entryPort = bracket[2];
    } else if ((e.match(/:/g) ?? []).length === 1) {
      const [h, p] = e.split(":");
      e = h!;
      entryPort = p;
    }
    if (entryPort && entryPort !== port) continue;
    e = e.replace(/^\*\./, ".");
    if (e.startsWith(".")) {
      if (host.endsWith(e) || host === e.slice(1)) return true;
    } else if (host === e || host.endsWith("." + e)) {
      return true;
    }
  }
  return false;
}

export interface Timeouts {
  /** Connecting (TCP + TLS), default 10 s. */
  connectMs?: number;
  /** Waiting for the response headers, default undici's 300 s (assemble and uploads can be slow). */
  headersMs?: number;
  /** Between body chunks, default undici's 300 s. */
  bodyMs?: number;
}

export function createDispatchers(config: ResolvedConfig, timeouts: Timeouts = {}): Dispatchers {
  const caFiles = config.caFiles?.value ?? [];
  const extraCa = readCaFiles(caFiles, config.caFiles?.source.label);
  const tls = {
    ...(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {}),
    rejectUnauthorized: config.verifySsl?.value !== false,
  };
  const connectTimeout = timeouts.connectMs ?? CONNECT_TIMEOUT_MS;
  const waits = {
    ...(timeouts.headersMs !== undefined ? { headersTimeout: timeouts.headersMs } : {}),
    ...(timeouts.bodyMs !== undefined ? { bodyTimeout: timeouts.bodyMs } : {}),
  };
  const agent = new Agent({ connect: { ...tls, timeout: connectTimeout }, ...waits });

  let proxyAgent: ProxyAgent | undefined;
  let proxyOrigin: string | undefined;
  const proxy = config.proxy?.value;
  if (proxy?.url) {
    const uri = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy.url) ? proxy.url : `http://${proxy.url}`;
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      throw new ConfigError(`invalid proxy URL ${proxy.url} (from ${config.proxy!.source.label})`);
    }
    proxyOrigin = parsed.origin;
    const user = proxy.username ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
    const pass = proxy.password ?? (parsed.password ? decodeURIComponent(parsed.password) : "");
    parsed.username = "";
    parsed.password = "";
    proxyAgent = new ProxyAgent({
      uri: parsed.href,
      ...(user ? { token: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` } : {}),
      requestTls: tls,
      // Plain-http targets are forwarded (absolute-URI requests) like curl does; https tunnels.
      proxyTunnel: false,
      connect: { timeout: connectTimeout },
      ...waits,
    });
  }
  const noProxy = noProxyList(config);

  return {
    forUrl(url) {
      if (proxyAgent && !matchesNoProxy(url, noProxy)) return { dispatcher: proxyAgent, proxy: proxyOrigin };
      return { dispatcher: agent };
    },
    async close() {
      await Promise.all([agent.close(), proxyAgent?.close()]);
    },
  };
}
