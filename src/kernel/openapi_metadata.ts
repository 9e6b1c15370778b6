/**
 * The document-level part of the OpenAPI document the kernel serves and `rmos openapi`
 * writes: the OpenAPI version, `info` (title, version, description, contact), `servers`
 * and one described tag per loaded plugin plus the kernel's `service` tag. The paths
 * come from the routes themselves. The server is given as `/`, relative to wherever
 * the document was fetched from (OpenAPI 3.1 resolves it against the document's URL),
 * because one document serves every installation; the default local address is named
 * in its description.
 */

/** A loaded plugin as its tag shows it: its name, and its own description when it gives one (a plugin package does). */
export interface TaggedPlugin {
  readonly name: string;
  readonly description?: string;
}

/** The document-level fields of the OpenAPI document for `plugins` (in load order). */
export function openApiMetadata(plugins: readonly TaggedPlugin[]) {
  return {
    openapi: "3.1.0" as const,
    info: {
      title: "RMOS Runs service",
      version: "2.0.0",
      description:
        "Write-once, hash-verified run artifacts for CNC manufacturing decisions, with append-only advisories. Errors are RFC 9457 problem+json. The whole contract, in prose: docs/api.md of the repository.",
      contact: { name: "RMOS Runs maintainers" },
    },
    servers: [
      {
        url: "/",
        description:
          "The installation that served this document (`rmos serve` listens on http://127.0.0.1:8080 by default).",
      },
    ],
    tags: [
      ...plugins.map(({ name, description }) => ({
        name,
        description: description ?? `Routes of the ${name} plugin (docs/plugins/${name}.md of the repository).`,
      })),
      { name: "service", description: "The kernel's own routes: liveness, readiness and metrics." },
    ],
  };
}
