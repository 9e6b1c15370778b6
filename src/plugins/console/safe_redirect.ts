/**
 * Where the console may send a person after signing in or reviewing: only back into the
 * console itself (a path under /ui/), never to another site (`//evil`, `/\evil`, a full
 * URL, control characters) — an open redirect would let a link borrow the console's name.
 */

/** `target` when it is a console path, else `/ui/runs`. */
export function safeConsolePath(target: unknown): string {
  if (typeof target !== "string" || target.length > 2000) return "/ui/runs";
  if (!/^\/ui(\/|$|\?)/.test(target)) return "/ui/runs";
  if (/[\u0000-\u001f\u007f\\]/.test(target) || target.startsWith("//")) return "/ui/runs";
  try {
    const url = new URL(target, "http://console.invalid");
    if (url.host !== "console.invalid" || !/^\/ui(\/|$)/.test(url.pathname)) return "/ui/runs";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/ui/runs";
  }
}
