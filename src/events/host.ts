/**
 * Facts about the machine that go into an event (server_name, user, os/device/runtime contexts).
 * Collected once per run; tests pass their own.
 */
import { arch, hostname, release as osRelease, type as osType, version as osVersion, userInfo } from "node:os";

export interface HostInfo {
  hostname: string;
  /** The OS user name, when it can be read. */
  username?: string;
  os: { name: string; version: string; kernelVersion?: string };
  arch: string;
  runtime: { name: string; version: string };
}

const ARCH_NAMES: Record<string, string> = { x64: "x86_64", arm64: "aarch64", ia32: "x86", arm: "arm" };
const OS_NAMES: Record<string, string> = { Linux: "Linux", Darwin: "Darwin", Windows_NT: "Windows" };

export function hostInfo(env: NodeJS.ProcessEnv): HostInfo {
  let username: string | undefined;
  try {
    username = userInfo().username || undefined;
  } catch {
    username = env.USER || env.USERNAME || undefined;
  }
  let kernelVersion: string | undefined;
  try {
    kernelVersion = osVersion();
  } catch {
    kernelVersion = undefined;
  }
  const t = osType();
  return {
    hostname: hostname(),
    ...(username ? { username } : {}),
    os: { name: OS_NAMES[t] ?? t, version: osRelease(), ...(kernelVersion ? { kernelVersion } : {}) },
    arch: ARCH_NAMES[arch()] ?? arch(),
    runtime: { name: "node", version: process.version.replace(/^v/, "") },
  };
}

/** The `contexts` object: device, os and the Node runtime. */
export function hostContexts(h: HostInfo): Record<string, Record<string, string>> {
  return {
    device: { type: "device", arch: h.arch },
    os: {
      type: "os",
      name: h.os.name,
      version: h.os.version,
      ...(h.os.kernelVersion ? { kernel_version: h.os.kernelVersion } : {}),
    },
    runtime: { type: "runtime", name: h.runtime.name, version: h.runtime.version },
  };
}
