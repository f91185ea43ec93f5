/**
 * Decides what a stream may show: colour, spinners, progress bars. A person at a terminal gets
 * them; CI logs (Jenkins, GitHub Actions), pipes and files get plain lines.
 */

export interface TerminalCaps {
  /** Colour escapes may be written. */
  color: boolean;
  /** Spinners and redrawn progress bars may be written (stderr is an interactive terminal). */
  interactive: boolean;
  /** Running under GitHub Actions: failures also print `::error::` annotations. */
  githubActions: boolean;
  /** Running in some CI system. */
  ci: boolean;
}

const CI_VARS = [
  "CI",
  "CONTINUOUS_INTEGRATION",
  "BUILD_NUMBER",
  "JENKINS_URL",
  "GITHUB_ACTIONS",
  "GITLAB_CI",
  "CIRCLECI",
  "BUILDKITE",
  "TF_BUILD",
  "TRAVIS",
  "BITBUCKET_BUILD_NUMBER",
  "CODEBUILD_BUILD_ID",
  "TEAMCITY_VERSION",
];

export function isCI(env: NodeJS.ProcessEnv): boolean {
  return CI_VARS.some((v) => {
    const val = env[v];
    return val !== undefined && val !== "" && val !== "0" && val.toLowerCase() !== "false";
  });
}

export function detectTerminal(
  env: NodeJS.ProcessEnv,
  stream: { isTTY?: boolean },
  opts: { json?: boolean } = {},
): TerminalCaps {
  const ci = isCI(env);
  const tty = stream.isTTY === true;
  let color = tty && !ci && env.TERM !== "dumb";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") color = false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) color = force !== "0" && force.toLowerCase() !== "false";
  if (opts.json) color = false;
  return {
    color,
    interactive: tty && !ci && !opts.json && env.TERM !== "dumb",
    githubActions: env.GITHUB_ACTIONS === "true",
    ci,
  };
}
