/**
 * The advisory plugin's handlers: thin — take the validated input, call the service,
 * shape the response (status, Location).
 */
import { API_BASE } from "../../kernel/plugin_api/routes.js";
import { principalOf } from "../../kernel/plugin_api/auth.js";
import type { RouteRegistrar } from "../../kernel/plugin_api/routes.js";
import {
  attachAdvisoryRoute,
  createAdvisoryRoute,
  getAdvisoryRoute,
  listRunAdvisoriesRoute,
  reviewAdvisoryRoute,
  suggestAndAttachRoute,
} from "./routes.js";
import type { AdvisoryService } from "./service.js";

/** Registers the advisory routes with their handlers. */
export function registerAdvisoryRoutes(r: RouteRegistrar, service: AdvisoryService): void {
  r.openapi(createAdvisoryRoute, async (c) => {
    const asset = await service.createAsset(c.req.valid("json"), principalOf(c).id);
    return c.json(asset, 201, { location: `${API_BASE}/advisories/${asset.asset_id}` });
  });

  r.openapi(getAdvisoryRoute, async (c) => c.json(await service.getAsset(c.req.valid("param").asset_id), 200));

  r.openapi(reviewAdvisoryRoute, async (c) =>
    c.json(await service.review(c.req.valid("param").asset_id, c.req.valid("json"), principalOf(c)), 201),
  );

  r.openapi(attachAdvisoryRoute, async (c) => {
    const { created, link } = await service.attach(c.req.valid("param").run_id, c.req.valid("json"), principalOf(c).id);
    return created ? c.json(link, 201) : c.json(link, 200);
  });

  r.openapi(listRunAdvisoriesRoute, async (c) => c.json(await service.listLinks(c.req.valid("param").run_id), 200));

  r.openapi(suggestAndAttachRoute, async (c) =>
    c.json(await service.suggestAndAttach(c.req.valid("param").run_id, principalOf(c).id), 201),
  );
}
