import { describe, expect, it } from "vitest";
import { chunkDirectives, openingDirectives } from "../../src/plugins/inject.js";

describe("chunkDirectives (the prologue Rolldown opens a chunk with, as the snippet line repeats it)", () => {
  const entry = "#!/usr/bin/env node\n// header\n'use client'\n\"use strict\";\nimport x from './x.js';\n";

  it("repeats the facade module's directives as written, each ended by a semicolon", () => {
    expect(chunkDirectives(entry, "cjs", "auto")).toBe(`'use client';"use strict";`);
    expect(chunkDirectives(entry, "cjs", undefined)).toBe(`'use client';"use strict";`);
  });

  it('adds "use strict" first with strict: true unless the module has it, and drops it with strict: false', () => {
    expect(chunkDirectives("'use client';\nx();", "iife", true)).toBe(`"use strict";'use client';`);
    expect(chunkDirectives(entry, "cjs", true)).toBe(`'use client';"use strict";`);
    expect(chunkDirectives(entry, "cjs", false)).toBe(`'use client';`);
    expect(chunkDirectives(undefined, "cjs", true)).toBe('"use strict";');
  });

  it('drops "use strict" from ES module output, whatever strict says', () => {
    expect(chunkDirectives(entry, "es", true)).toBe(`'use client';`);
    expect(chunkDirectives('"use strict";x()', "esm", "auto")).toBe("");
  });

  it("has none for a chunk without a facade module or one without directives", () => {
    expect(chunkDirectives(undefined, "cjs", "auto")).toBe("");
    expect(chunkDirectives("x();\n'use strict';", "cjs", "auto")).toBe("");
    // A string that continues an expression is no directive.
    expect(chunkDirectives('"use strict"\n+ 1;', "cjs", "auto")).toBe("");
  });

  it("reads a rendered chunk's opening directives the same way", () => {
    expect(openingDirectives('#!/usr/bin/env node\n"use client";"use strict";function e(){}')).toBe(
      `"use client";"use strict";`,
    );
    expect(openingDirectives("exports.g=function(){};")).toBe("");
  });
});
