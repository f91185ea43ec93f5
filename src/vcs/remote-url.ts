/**
 * Remote-URL normalisation for matching a local git remote against the repositories an
 * organization has configured in Sentry. Two URLs match when they name the same provider host and
 * the same repository id, whatever the transport (ssh, https, git+ssh, scp-like), port, user,
 * `.git` suffix or letter case. Azure DevOps (dev.azure.com, ssh.dev.azure.com, *.visualstudio.com),
 * Bitbucket Server (`/projects/P/repos/R/browse`, `/scm/p/r.git`) and Google Cloud Source mirrors are
 * understood as sentry-cli understands them.
 */

export interface VcsUrl {
  /** Lower-cased host without port (`github.com`, `dev.azure.com`), "" when not a URL. */
  provider: string;
  /** Lower-cased repository id (`acme/web`); the input itself when not a URL. */
  id: string;
}

const URL_RE = /^(?:(?:git\+)?(?:git|ssh|https?)):\/\/(?:[^@/]+@)?([^/]+)\/(.+)$/i;
const SCP_RE = /^(?:[^@]+@)?([^/:]+):(.+)$/;

export function parseVcsUrl(url: string): VcsUrl {
  const trimmed = url.trim();
  const m = URL_RE.exec(trimmed) ?? SCP_RE.exec(trimmed);
  if (m) return fromParts(m[1]!, m[2]!);
  return { provider: "", id: trimmed };
}

function stripGit(path: string): string {
  return path.replace(/\/+$/, "").replace(/(\.git)+$/i, "");
}

function fromParts(hostIn: string, pathIn: string): VcsUrl {
  const host = hostIn.replace(/:\d+$/, "").toLowerCase();
  const path = pathIn.replace(/^\/+/, "");

  // Azure DevOps, old style: https://org.visualstudio.com/_git/repo, https://org.visualstudio.com/project/repo/_git
  const vs = /^([^.]+)\.visualstudio\.com$/.exec(host);
  if (vs) {
    const g = /^_git\/(.+?)(?:\.git)?$/.exec(path);
    if (g) return { provider: host, id: `${vs[1]}/${g[1]!.toLowerCase()}` };
    const t = /^(.+?)\/_git/.exec(path);
    if (t) return { provider: host, id: t[1]!.toLowerCase() };
  }
  // vs-ssh.visualstudio.com:v3/org/project/repo → org.visualstudio.com
  if (host === "vs-ssh.visualstudio.com") {
    const v = /^v3\/([^/]+)\/([^/]+)/.exec(path);
    if (v) return { provider: `${v[1]!.toLowerCase()}.visualstudio.com`, id: v[2]!.toLowerCase() };
  }
  // Azure DevOps: ssh.dev.azure.com:v3/org/project/repo, https://dev.azure.com/org/project/_git/repo
  if (host === "dev.azure.com" || host === "ssh.dev.azure.com") {
    const v = /^v3\/([^/]+)\/([^/]+)/.exec(path);
    if (v) return { provider: "dev.azure.com", id: `${v[1]!.toLowerCase()}/${v[2]!.toLowerCase()}` };
    const t = /^(.+?)\/_git/.exec(path);
    if (t) return { provider: "dev.azure.com", id: t[1]!.toLowerCase() };
  }
  // Google Cloud Source Repositories mirroring GitHub.
  if (host === "source.developers.google.com") {
    const g = /^p\/.+\/r\/github_(.+?)_(.+?)(?:\.git)?$/.exec(path);
    if (g) return { provider: host, id: `${g[1]}/${g[2]}` };
  }
  // Bitbucket Server web URL: /projects/PROJ/repos/repo/browse
  const bbs = /projects\/([^/]+)\/repos\/([^/]+)(?:\/browse)?/.exec(path);
  if (bbs) return { provider: host, id: `${bbs[1]!.toLowerCase()}/${stripGit(bbs[2]!).toLowerCase()}` };
  // Bitbucket Server clone URL over https: /scm/proj/repo.git
  const scm = /^scm\/([^/]+)\/([^/]+)$/.exec(stripGit(path));
  if (scm) return { provider: host, id: `${scm[1]!.toLowerCase()}/${scm[2]!.toLowerCase()}` };

  return { provider: host, id: stripGit(path).toLowerCase() };
}

/** Whether two remote URLs name the same repository. */
export function isMatchingUrl(a: string, b: string): boolean {
  const x = parseVcsUrl(a);
  const y = parseVcsUrl(b);
  return x.provider === y.provider && x.id === y.id;
}

/** The repository id of a remote (sentry-cli sends this as `repository` in local mode). */
export function repoIdFromRemote(remote: string): string {
  return parseVcsUrl(remote).id;
}
