import { parseEnvelope as sentryParse, serializeEnvelope as sentrySerialize } from "@sentry/core";
import { describe, expect, it } from "vitest";
import {
  EnvelopeError,
  formatRateLimits,
  hyphenateEventId,
  itemCategory,
  normalizeEventId,
  parseEnvelope,
  parseRateLimits,
  serializeEnvelope,
} from "../../src/domain/envelope.js";

const b = (s: string) => Buffer.from(s, "utf8");

describe("parseEnvelope", () => {
  it("reads items with explicit and implicit lengths, with or without the final newline", () => {
    const env = parseEnvelope(
      b(
        '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}\n{"type":"attachment","length":10}\nhelloworld\n{"type":"event"}\n{"a":1}',
      ),
    );
    expect(env.header).toEqual({ event_id: "9ec79c33ec9942ab8353589fcb2e04dc" });
    expect(env.items.map((i) => [i.header.type, i.payload.toString()])).toEqual([
      ["attachment", "helloworld"],
      ["event", '{"a":1}'],
    ]);
  });

  it("accepts a header-only envelope and empty items", () => {
    expect(parseEnvelope(b("{}")).items).toEqual([]);
    expect(
      parseEnvelope(b('{}\n{"type":"attachment","length":0}\n\n{"type":"attachment","length":0}')).items,
    ).toHaveLength(2);
    expect(parseEnvelope(b('{}\n{"type":"attachment"}')).items[0]!.payload.length).toBe(0);
  });

  it("keeps binary payloads intact", () => {
    const payload = Buffer.from([0xef, 0xbb, 0xbf, 0x48, 0x0d, 0x0a, 0x00]);
    const env = parseEnvelope(
      Buffer.concat([b(`{}\n{"type":"attachment","length":${payload.length}}\n`), payload, b("\n")]),
    );
    expect(env.items[0]!.payload.equals(payload)).toBe(true);
  });

  it.each([
    ["", "missing envelope header"],
    ["   ", "missing envelope header"],
    ["[1]", "invalid envelope header"],
    ['{"a":', "invalid envelope header"],
    ["{} {}", "missing newline after header or payload"],
    ['{"sent_at":"yesterday"}', "invalid envelope header"],
    ['{"dsn":"nope"}', "invalid envelope header"],
    ['{}\n{"length":1}\nx', "invalid item header"],
    ['{}\n{"type":"event","length":-1}\n', "invalid item header"],
    ['{}\n{"type":"event","length":2}\nabc', "missing newline after header or payload"],
    ['{}\n{"type":"event","length":5}\nabc', "unexpected end of file"],
    ['{}\n{"type":"event","length":1}\na\n\n', "unexpected end of file"],
  ])("rejects %j with Relay's message %j", (input, message) => {
    expect(() => parseEnvelope(b(input))).toThrow(new EnvelopeError(message));
  });

  it("reads what @sentry/core writes, and @sentry/core reads what we write", () => {
    const theirs = sentrySerialize([
      { event_id: "9ec79c33ec9942ab8353589fcb2e04dc" },
      [
        [{ type: "event" }, { message: "x" }],
        [{ type: "attachment", length: 3 }, new Uint8Array([1, 2, 3])],
      ],
    ] as unknown as Parameters<typeof sentrySerialize>[0]);
    const parsed = parseEnvelope(Buffer.from(theirs as string | Uint8Array));
    expect(parsed.items.map((i) => i.header.type)).toEqual(["event", "attachment"]);
    const ours = serializeEnvelope({
      header: { event_id: "x" },
      items: [{ header: { type: "event" }, payload: b('{"m":"é"}') }],
    });
    expect(ours.toString()).toBe('{"event_id":"x"}\n{"type":"event","length":10}\n{"m":"é"}');
    const [h, items] = sentryParse(new Uint8Array(ours));
    expect(h).toEqual({ event_id: "x" });
    expect(items[0]![0]).toEqual({ type: "event", length: 10 });
  });
});

describe("event ids", () => {
  it("normalises hyphenated and simple UUIDs and rejects others", () => {
    expect(normalizeEventId("9EC79C33-EC99-42AB-8353-589FCB2E04DC")).toBe("9ec79c33ec9942ab8353589fcb2e04dc");
    expect(normalizeEventId("9ec79c33ec9942ab8353589fcb2e04dc")).toBe("9ec79c33ec9942ab8353589fcb2e04dc");
    expect(normalizeEventId("nope")).toBeUndefined();
    expect(normalizeEventId(42)).toBeUndefined();
    expect(hyphenateEventId("9ec79c33ec9942ab8353589fcb2e04dc")).toBe("9ec79c33-ec99-42ab-8353-589fcb2e04dc");
  });
});

describe("rate limits", () => {
  it("parses X-Sentry-Rate-Limits as Relay's clients do", () => {
    expect(
      parseRateLimits("60:error;transaction:key:daily_quota, 2700:default:organization, bad:error, ,10::project"),
    ).toEqual([
      { retryAfter: 60, categories: ["error", "transaction"], scope: "key", reasonCode: "daily_quota" },
      { retryAfter: 2700, categories: ["default"], scope: "organization" },
      { retryAfter: 10, categories: [], scope: "project" },
    ]);
    expect(parseRateLimits(undefined)).toEqual([]);
  });

  it("formats limits back", () => {
    expect(
      formatRateLimits([
        { retryAfter: 59.2, categories: ["error"], scope: "key", reasonCode: "q" },
        { retryAfter: 5, categories: [], scope: "project" },
      ]),
    ).toBe("60:error:key:q, 5::project");
  });

  it("maps item types to data categories", () => {
    expect(itemCategory("event")).toBe("error");
    expect(itemCategory("attachment")).toBe("attachment");
    expect(itemCategory("whatever")).toBe("default");
  });
});
