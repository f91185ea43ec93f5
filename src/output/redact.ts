/**
 * Secret redaction. Every line sentry-ship writes (results, warnings, debug traces) passes through a
 * Redactor: known secrets (the configured token, DSN keys) are replaced exactly, and anything that
 * looks like a Sentry token, a Bearer credential or a DSN key is masked by pattern as well.
 */

const MASK = "[redacted]";

const PATTERNS: Array<[RegExp, string | ((...m: string[]) => string)]> = [
  // Org and user auth tokens.
  [/sntry[su]_[A-Za-z0-9+/=_-]{8,}/g, MASK],
  // Authorization headers in traces.
  [/(\b(?:Bearer|Basic)\s+)[^\s"',]+/gi, (_m, p: string) => `${p}${MASK}`],
  [/(\bauthorization:\s*DSN\s+)[^\s"',]+/gi, (_m, p: string) => `${p}${MASK}`],
  // sentry_key / sentry_secret in X-Sentry-Auth headers and query strings.
  [/(sentry_(?:key|secret)=)[^\s,&"']+/gi, (_m, p: string) => `${p}${MASK}`],
  // DSN-style userinfo in URLs: scheme://key[:secret]@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:"']+(?::[^\s/@"']*)?@/gi, (_m, p: string) => `${p}${MASK}@`],
  // Legacy bare 64-hex user tokens.
  [/\b[0-9a-f]{64}\b/g, MASK],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Register a literal secret (token, DSN public key or secret). Short values are ignored. */
  add(secret: string | undefined | null): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a token that contains another secret is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(MASK);
    }
    for (const [re, rep] of PATTERNS) {
      out = out.replace(re, rep as never);
    }
    return out;
  }
}

export const REDACTED = MASK;
