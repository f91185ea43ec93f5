/**
 * Store an auth token (and optionally the URL) in an rc file, keeping everything else in the file
 * as it was. The file is written atomically with mode 0600, since it holds a secret.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Set `key = value` in `[section]` of INI text, replacing an existing key or adding it. */
export function setIniValue(text: string, section: string, key: string, value: string): string {
  const lines = text.length ? text.replace(/\r\n/g, "\n").split("\n") : [];
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  let current = "";
  let sectionStart = -1;
  let sectionEnd = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*\[([^\]]+)\]\s*$/.exec(lines[i]!);
    if (m) {
      if (current === section && sectionStart >= 0) {
        sectionEnd = i;
        break;
      }
      current = m[1]!.trim();
      if (current === section) sectionStart = i;
      continue;
    }
    if (current === section) {
      const kv = /^\s*([^=;#\s]+)\s*=/.exec(lines[i]!);
      if (kv && kv[1] === key) {
        lines[i] = `${key}=${value}`;
        return lines.join("\n") + "\n";
      }
    }
  }
  if (sectionStart < 0) {
    if (lines.length && lines[lines.length - 1]!.trim() !== "") lines.push("");
    lines.push(`[${section}]`, `${key}=${value}`);
  } else {
    let insertAt = sectionEnd;
    while (insertAt - 1 > sectionStart && lines[insertAt - 1]!.trim() === "") insertAt--;
    lines.splice(insertAt, 0, `${key}=${value}`);
  }
  return lines.join("\n") + "\n";
}

export function readIniValue(text: string, section: string, key: string): string | undefined {
  let current = "";
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    const m = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (m) {
      current = m[1]!.trim();
      continue;
    }
    if (current !== section) continue;
    const kv = /^\s*([^=;#\s]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (kv && kv[1] === key) return kv[2];
  }
  return undefined;
}

export function writeRcAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function storeToken(file: string, token: string, url?: string): { previousToken?: string } {
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  const previousToken = readIniValue(before, "auth", "token");
  let text = setIniValue(before, "auth", "token", token);
  if (url) text = setIniValue(text, "defaults", "url", url);
  writeRcAtomic(file, text);
  return { previousToken };
}
