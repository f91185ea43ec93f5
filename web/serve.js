// sentry-ship serve: the pages' one script. It only makes pages live: a page marked
// data-live asks the server once a second whether anything changed, and when something did it
// fetches itself again and swaps in the new <main>. Every request goes to this server only.

(() => {
  const POLL_MS = 1000;
  const status = () => document.querySelector(".live-status");
  let stamp = null;
  let busy = false;

  function relativeTimes(root) {
    const now = Date.now();
    for (const t of root.querySelectorAll("time[datetime]")) {
      const then = Date.parse(t.getAttribute("datetime"));
      if (Number.isNaN(then)) continue;
      const s = Math.round((now - then) / 1000);
      if (!t.title) t.title = t.textContent;
      let text;
      if (s < 5) text = "just now";
      else if (s < 60) text = `${s} s ago`;
      else if (s < 3600) text = `${Math.floor(s / 60)} min ago`;
      else if (s < 86400) text = `${Math.floor(s / 3600)} h ago`;
      else text = t.title;
      t.textContent = text;
    }
  }

  async function refresh() {
    const res = await fetch(location.href, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const next = doc.querySelector("main");
    const main = document.querySelector("main");
    if (!next || !main) return;
    const focused = document.activeElement;
    const focusHref = focused && main.contains(focused) ? focused.getAttribute("href") : null;
    main.replaceChildren(...Array.from(next.childNodes, (n) => document.importNode(n, true)));
    relativeTimes(main);
    if (focusHref) main.querySelector(`[href="${CSS.escape(focusHref)}"]`)?.focus();
    const s = status();
    if (s) s.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  async function poll() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const res = await fetch("/_web/changes", { cache: "no-store" });
      if (res.ok) {
        const body = await res.json();
        if (stamp !== null && body.stamp !== stamp) await refresh();
        stamp = body.stamp;
      }
    } catch {
      // The server stopped or restarted: keep asking.
    } finally {
      busy = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    relativeTimes(document);
    setInterval(() => relativeTimes(document), 30_000);
    if (document.body.hasAttribute("data-live")) {
      stamp = document.body.dataset.live;
      poll();
      setInterval(poll, POLL_MS);
    }
  });
})();
