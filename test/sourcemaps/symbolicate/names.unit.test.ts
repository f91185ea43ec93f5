import { describe, expect, it } from "vitest";
import { candidateNames, displayFilename, joinUrl } from "../../../src/sourcemaps/symbolicate/names.js";

describe("artifact names for a frame", () => {
  it("tries the URL, the URL without its query, then ~ + the path with and without the query", () => {
    expect(candidateNames("https://example.com/static/app.js?v=3#x")).toEqual([
      "https://example.com/static/app.js?v=3#x",
      "https://example.com/static/app.js",
      "~/static/app.js?v=3",
      "~/static/app.js",
    ]);
    expect(candidateNames("https://example.com/static/app.js")).toEqual([
      "https://example.com/static/app.js",
      "~/static/app.js",
    ]);
  });

  it("treats app:// URLs and plain paths like Sentry does", () => {
    expect(candidateNames("app:///dist/app.js")).toEqual(["app:///dist/app.js", "~/dist/app.js"]);
    expect(candidateNames("/srv/app/dist/app.js")).toEqual(["/srv/app/dist/app.js", "~/srv/app/dist/app.js"]);
    expect(candidateNames("~/app.min.js")).toEqual(["~/app.min.js", "~~/app.min.js"]);
  });
});

describe("joining a reference to the file it was found in", () => {
  it("resolves map references and map sources relative to the file, also for ~/ names", () => {
    expect(joinUrl("~/static/app.js", "app.js.map")).toBe("~/static/app.js.map");
    expect(joinUrl("~/static/js/app.js.map", "../../src/cart.js")).toBe("~/src/cart.js");
    expect(joinUrl("~/app.js.map", "../src/cart.js")).toBe("~/src/cart.js");
    expect(joinUrl("https://cdn.example.com/a/app.js", "maps/app.js.map")).toBe(
      "https://cdn.example.com/a/maps/app.js.map",
    );
    expect(joinUrl("https://cdn.example.com/a/app.js", "/m/app.js.map")).toBe("https://cdn.example.com/m/app.js.map");
    expect(joinUrl("https://cdn.example.com/a/app.js", "//other.example.com/x.map")).toBe(
      "https://other.example.com/x.map",
    );
    expect(joinUrl("~/app.js.map", "webpack://shop/./src/a.js")).toBe("webpack://shop/./src/a.js");
  });

  it("shows a resolved file without scheme and host", () => {
    expect(displayFilename("~/src/cart.js")).toBe("/src/cart.js");
    expect(displayFilename("https://example.com/src/cart.js")).toBe("/src/cart.js");
    expect(displayFilename("webpack://shop/./src/a.js")).toBe("./src/a.js");
  });
});
