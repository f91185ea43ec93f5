/**
 * The pages' static files: only the three named files are served; any other name, including the
 * names every JavaScript object inherits, is a plain 404.
 */
import { describe, expect, it } from "vitest";
import { useServer } from "../support/server.js";

describe("serve's static files (/_web/…)", () => {
  const s = useServer();

  it("serves the script, the style sheet and the icon", async () => {
    for (const name of ["serve.js", "serve.css", "icon.svg"]) {
      const r = await fetch(`${s.server.url}/_web/${name}`);
      expect(r.status, name).toBe(200);
    }
  });

  it("answers 404 to names an object inherits, never a 500", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      const r = await fetch(`${s.server.url}/_web/${name}`);
      expect(r.status, name).toBe(404);
      expect(await r.text()).toBe("not found");
    }
  });
});
