/**
 * The workflow-sessions plugin's handlers: thin — take the validated input, read
 * If-Match / If-None-Match, call the service, shape the response (Location, ETag).
 */
import { ifNoneMatches } from "../../contracts/etag.js";
import { API_BASE } from "../../kernel/plugin_api/routes.js";
import { principalOf } from "../../kernel/plugin_api/auth.js";
import type { RouteRegistrar } from "../../kernel/plugin_api/routes.js";
import { etagOf, matchedVersions } from "./if_match.js";
import {
  createSessionRoute,
  getSessionRoute,
  listSessionEventsRoute,
  listSessionsRoute,
  postSessionEventRoute,
} from "./routes.js";
import type { WorkflowSessionsService } from "./service.js";

/** Registers the workflow-session routes with their handlers. */
export function registerSessionRoutes(r: RouteRegistrar, service: WorkflowSessionsService): void {
  r.openapi(createSessionRoute, async (c) => {
    const session = await service.create(c.req.valid("json"), principalOf(c).id);
    return c.json(session, 201, {
      location: `${API_BASE}/workflow-sessions/${session.session_id}`,
      etag: etagOf(session.version),
    });
  });

  r.openapi(listSessionsRoute, async (c) => c.json(await service.list(c.req.valid("query")), 200));

  r.openapi(getSessionRoute, async (c) => {
    const session = await service.get(c.req.valid("param").session_id);
    const etag = etagOf(session.version);
    if (ifNoneMatches(c.req.valid("header")["if-none-match"], etag)) {
      return c.body(null, 304, { etag }) as never;
    }
    return c.json(session, 200, { etag });
  });

  r.openapi(postSessionEventRoute, async (c) => {
    const versions = matchedVersions(c.req.valid("header")["if-match"]);
    const { session } = await service.applyEvent(
      c.req.valid("param").session_id,
      versions,
      c.req.valid("json"),
      principalOf(c).id,
    );
    return c.json(session, 200, { etag: etagOf(session.version) });
  });

  r.openapi(listSessionEventsRoute, async (c) =>
    c.json({ items: await service.events(c.req.valid("param").session_id) }, 200),
  );
}
