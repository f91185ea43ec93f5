#!/usr/bin/env node
/**
 * `npm run prepare` runs this: it points git at .githooks/ (the pre-commit check that the Action
 * bundle was rebuilt with the sources). Outside a git checkout, or when the clone already has its
 * own hooks path, it does nothing.
 */
import { execFileSync } from "node:child_process";

/** @param {string[]} args */
function git(...args) {
  return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

try {
  git("rev-parse", "--git-dir");
} catch {
  process.exit(0);
}
let current = "";
try {
  current = git("config", "--get", "core.hooksPath");
} catch {
  /* unset */
}
if (current === "") {
  git("config", "core.hooksPath", ".githooks");
  console.log("git hooks: .githooks/ (pre-commit checks the Action bundle)");
} else if (current !== ".githooks") {
  console.log(`git hooks: core.hooksPath is ${current}; add .githooks/pre-commit there to check the Action bundle`);
}
