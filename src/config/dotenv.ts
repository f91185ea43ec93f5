/** Placeholder: replaced by the config module. */
export function loadDotenv(env: NodeJS.ProcessEnv, _cwd: string): NodeJS.ProcessEnv {
  return env;
}
