/**
 * Release names sentry-cli derives from mobile project files (sentry-cli-wire.md §4.1): a Cordova
 * platform folder (`platforms/android|ios` under a `config.xml`), and Gradle (`build.gradle` plus
 * `app/build.gradle` with `applicationId` and `versionName`, in the working directory or a parent).
 */
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function attrs(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out.set(m[1]!, m[2] ?? m[3] ?? "");
  return out;
}

/** `<package>-<version>` from a Cordova config.xml when cwd is `…/platforms/android` or `…/platforms/ios`. */
export function cordovaReleaseName(cwd: string): string | undefined {
  const platform = basename(cwd);
  if (platform !== "android" && platform !== "ios") return undefined;
  const file = join(dirname(dirname(cwd)), "config.xml");
  if (!isFile(file)) return undefined;
  let xml: string;
  try {
    xml = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const root = /<widget\b([^>]*)>/.exec(xml.replace(/<\?xml[^>]*\?>|<!--[\s\S]*?-->/g, ""));
  if (!root) return undefined;
  const a = attrs(root[1]!);
  if (a.get("xmlns") !== "http://www.w3.org/ns/widgets") return undefined;
  const id = a.get("id") ?? "unknown";
  const version = a.get("version") ?? "0.0";
  if (platform === "android") return `${a.get("android-packageName") ?? id}-${version}`;
  return `${a.get("ios-CFBundleIdentifier") ?? id}-${a.get("ios-CFBundleVersion") ?? version}`;
}

/** `<applicationId>@<versionName>` from the nearest Gradle Android project at or above cwd. */
export function gradleReleaseName(cwd: string): string | undefined {
  let here = cwd;
  for (;;) {
    const app = join(here, "app", "build.gradle");
    if (isFile(join(here, "build.gradle")) && isFile(app)) {
      try {
        const text = readFileSync(app, "utf8");
        const id = /applicationId\s+["']([^"']*)["']/.exec(text);
        const version = /versionName\s+["']([^"']*)["']/.exec(text);
        if (id && version) return `${id[1]}@${version[1]}`;
      } catch {
        /* unreadable: keep looking upward */
      }
    }
    const parent = dirname(here);
    if (parent === here) return undefined;
    here = parent;
  }
}
