/**
 * A self-contained HTML page listing the API's operations from the OpenAPI document:
 * no script, no CDN, readable offline. For an interactive explorer, load
 * `/openapi.json` into any OpenAPI tool.
 */

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] as string,
  );

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  responses?: Record<string, { description?: string }>;
}

/** The HTML of /docs for `document`. */
export function renderDocsPage(document: Record<string, unknown>): string {
  const info = (document.info ?? {}) as { title?: string; version?: string; description?: string };
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "other";
      const codes = Object.entries(op.responses ?? {})
        .map(([code, r]) => `<span title="${escapeHtml(r.description ?? "")}">${escapeHtml(code)}</span>`)
        .join(" ");
      const row = `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary ?? "")}</td><td><code>${escapeHtml(op.operationId ?? "")}</code></td><td>${codes}</td></tr>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
    }
  }
  const sections = [...byTag.entries()]
    .map(
      ([tag, rows]) =>
        `<h2>${escapeHtml(tag)}</h2><table><tr><th>method</th><th>path</th><th>summary</th><th>operationId</th><th>answers</th></tr>${rows.join("")}</table>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title ?? "API")}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}code{font-size:13px}</style>
</head><body><h1>${escapeHtml(info.title ?? "API")} <small>${escapeHtml(info.version ?? "")}</small></h1>
<p>${escapeHtml(info.description ?? "")}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>
${sections}</body></html>`;
}
