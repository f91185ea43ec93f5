/**
 * sentry-cli's tables and durations, byte-for-byte: ASCII tables (`+---+` borders, one space of
 * padding, multi-line cells) and "N hours" durations, shared by the releases and deploys output.
 */

/** An ASCII table like sentry-cli's: title row, separator, rows, closing border. */
export function renderTable(titles: string[], rows: string[][]): string {
  const cellLines = (c: string) => c.split("\n");
  const widths = titles.map((t, i) =>
    Math.max(...[t, ...rows.map((r) => r[i] ?? "")].flatMap((c) => cellLines(c).map((l) => [...l].length))),
  );
  const border = "+" + widths.map((w) => "-".repeat(w + 2)).join("+") + "+";
  const line = (cells: string[]) => {
    const split = cells.map(cellLines);
    const height = Math.max(1, ...split.map((s) => s.length));
    const out: string[] = [];
    for (let h = 0; h < height; h++) {
      out.push(
        "|" +
          widths
            .map((w, i) => " " + (split[i]?.[h] ?? "") + " ".repeat(w - [...(split[i]?.[h] ?? "")].length) + " ")
            .join("|") +
          "|",
      );
    }
    return out.join("\n");
  };
  return [border, line(titles), border, ...rows.map(line), border].join("\n");
}

/** sentry-cli's HumanDuration: whole hours, else minutes, else seconds; negative → `0 seconds`. */
export function humanDuration(ms: number): string {
  const secs = Math.trunc(ms / 1000);
  const unit = (n: number, u: string) => (n === 1 ? `1 ${u}` : `${n} ${u}s`);
  const hours = Math.trunc(secs / 3600);
  if (hours >= 1) return unit(hours, "hour");
  const minutes = Math.trunc(secs / 60);
  if (minutes >= 1) return unit(minutes, "minute");
  if (secs >= 1) return unit(secs, "second");
  return "0 seconds";
}
