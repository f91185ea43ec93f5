import { describe, expect, it } from "vitest";
import { isMatchingUrl, parseVcsUrl, repoIdFromRemote } from "../../src/vcs/remote-url.js";

describe("parseVcsUrl", () => {
  it.each([
    ["http://github.com/mitsuhiko/flask", "github.com", "mitsuhiko/flask"],
    ["git@github.com:mitsuhiko/flask.git", "github.com", "mitsuhiko/flask"],
    ["ssh://git@gitlab.example.com:22/gitlab-org/GitLab-CE", "gitlab.example.com", "gitlab-org/gitlab-ce"],
    [
      "https://bitbucket.example.com/projects/laurynsentry/repos/helloworld/browse",
      "bitbucket.example.com",
      "laurynsentry/helloworld",
    ],
    [
      "ssh://git@bitbucket.example.com:7999/laurynsentry/helloworld.git",
      "bitbucket.example.com",
      "laurynsentry/helloworld",
    ],
    [
      "https://bitbucket.example.com/scm/laurynsentry/helloworld.git",
      "bitbucket.example.com",
      "laurynsentry/helloworld",
    ],
    ["https://neilmanvar.visualstudio.com/_git/sentry-demo", "neilmanvar.visualstudio.com", "neilmanvar/sentry-demo"],
    ["https://project@mydomain.visualstudio.com/project/repo/_git", "mydomain.visualstudio.com", "project/repo"],
    ["git@ssh.dev.azure.com:v3/company/Repo%20Online/Repo%20Online", "dev.azure.com", "company/repo%20online"],
    ["https://dev.azure.com/company/Repo%20Online/_git/Repo%20Online", "dev.azure.com", "company/repo%20online"],
    ["https://org@dev.azure.com/project/repo/_git/repo", "dev.azure.com", "project/repo"],
    [
      "https://source.developers.google.com/p/project-slug/r/github_org-slug_repo-slug",
      "source.developers.google.com",
      "org-slug/repo-slug",
    ],
    ["git+ssh://git@github.com/kamilogorek/picklerick.git", "github.com", "kamilogorek/picklerick"],
  ])("reads %s as provider %s and id %s", (url, provider, id) => {
    expect(parseVcsUrl(url)).toEqual({ provider, id });
  });

  it("leaves a bare remote name unchanged, which sentry-cli sends as the repository in local mode", () => {
    expect(repoIdFromRemote("origin")).toBe("origin");
    expect(repoIdFromRemote("upstream")).toBe("upstream");
  });
});

describe("isMatchingUrl", () => {
  it("matches the same repository across ssh, https, ports, users, .git and case", () => {
    expect(isMatchingUrl("http://github.com/mitsuhiko/flask", "git@github.com:mitsuhiko/flask.git")).toBe(true);
    expect(
      isMatchingUrl(
        "https://gitlab.example.com/gitlab-org/GitLab-CE",
        "ssh://git@gitlab.example.com:22/gitlab-org/GitLab-CE",
      ),
    ).toBe(true);
    expect(
      isMatchingUrl("git@ssh.dev.azure.com:v3/project/repo/repo", "https://dev.azure.com/project/repo/_git/repo"),
    ).toBe(true);
    expect(isMatchingUrl("https://github.com/acme/web/", "https://x-access-token@github.com/acme/web.git")).toBe(true);
    expect(
      isMatchingUrl(
        "ssh://git@bitbucket.example.com:7999/proj/repo.git",
        "https://bitbucket.example.com/projects/PROJ/repos/repo/browse",
      ),
    ).toBe(true);
  });

  it("does not match another host or another repository", () => {
    expect(isMatchingUrl("http://github.mycompany.com/mitsuhiko/flask", "git@github.com:mitsuhiko/flask.git")).toBe(
      false,
    );
    expect(isMatchingUrl("https://github.com/acme/web", "https://github.com/acme/api")).toBe(false);
  });
});
