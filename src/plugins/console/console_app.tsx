/**
 * The auditor console's pages (`/ui/…`), as one Hono app. Every page reads, and every
 * form writes, through the service's API (an {@link ApiClient} carrying the session's
 * credential), so the console has the API's roles, four-eyes rule and errors. Pages
 * are rendered on the server with hono/jsx; forms post back here with the session's
 * CSRF token; API problems become pages (401 → the sign-in page); a feature the
 * installation lacks (transparency log) is shown as not available.
 */
import crypto from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ApiDispatch } from "../../contracts/ports/web_surfaces.js";
import { ADVISORY_ID_PATTERN, RUN_ID_PATTERN, SESSION_ID_PATTERN, SHA256_PATTERN } from "../../contracts/ids.js";
import type { Logger } from "../../kernel/plugin_api/plugin.js";
import { ApiClient, ApiProblemError, isMissingRoute } from "./api_client.js";
import { CONSOLE_CSS } from "./console_css.js";
import { CONSOLE_JS } from "./console_js.js";
import { checkReceipt, openLatest, receiptSize } from "./receipt_check.js";
import { scanReviewQueue } from "./review_queue.js";
import { safeConsolePath } from "./safe_redirect.js";
import { securityHeaders } from "./security_headers.js";
import { type SessionEnv, sessions } from "./session_cookie.js";
import { csrfMatches, newSession } from "./session_seal.js";
import { credentialLabel } from "./viewer.js";
import type { AdvisoryAsset } from "./views/advisory_view.js";
import { DiffPage, type DiffResult } from "./views/diff_page.js";
import { ErrorPage } from "./views/error_page.js";
import { renderDocument, type Viewer } from "./views/layout.js";
import { type LogState, LogPage } from "./views/log_page.js";
import { LoginPage } from "./views/login_page.js";
import type { ReceiptState } from "./views/receipt_view.js";
import { AdvisoryPage, ReviewsPage } from "./views/reviews_page.js";
import { type RunAdvisory, type RunArtifact, RunPage, type VerifyResult } from "./views/run_page.js";
import { RUN_FILTERS, type RunSummary, RunsPage } from "./views/runs_page.js";
import { type SessionEvent, SessionPage, SessionsPage, type WorkflowSession } from "./views/sessions_page.js";

export interface ConsoleAppOptions {
  /** The key sessions are sealed under (read on each request: it is loaded at start). */
  readonly key: () => Buffer;
  readonly ttlSeconds: number;
  readonly logger?: Logger;
  /** Seconds since the epoch (tests move the clock). */
  readonly now?: () => number;
}

type ConsoleEnv = { Bindings: { api: ApiDispatch } } & SessionEnv;
type Ctx = import("hono").Context<ConsoleEnv>;

interface RunLink {
  readonly link: { readonly advisory_id: string; readonly kind: string };
  readonly review: { readonly state: string };
}

/** An id no asset has: reviewing it tells whether the credential may review at all (see canReview). */
const PROBE_ASSET_ID = "adv_00000000000000000000000000";

function viewerOf(c: Ctx): Viewer {
  const s = c.get("nextSession") ?? c.get("session");
  return { signedInAs: credentialLabel(s), csrf: s.csrf };
}

function apiOf(c: Ctx): ApiClient {
  return new ApiClient(c.env.api, new URL(c.req.url).origin, c.get("session").tok, c.req.header("x-request-id"));
}

function page(c: Ctx, body: unknown, status = 200) {
  return c.html(renderDocument(body), status as 200);
}

function pathOf(c: Ctx): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}

/**
 * Whether the viewer may review advisory assets. The API checks the role before it reads
 * the body or looks the asset up, so an empty review of an id no asset has is answered
 * 403 without the role and 400 (a validation error: nothing is written) with it.
 */
async function canReview(api: ApiClient): Promise<boolean> {
  const probe = await api.post(`/advisories/${PROBE_ASSET_ID}/review`, {});
  if (!probe.ok && probe.status === 401) throw new ApiProblemError(401, probe.problem);
  return probe.ok || probe.status !== 403;
}

function flashOf(c: Ctx): string | null {
  const id = c.req.query("reviewed");
  const decision = c.req.query("decision");
  if (!id || !ADVISORY_ID_PATTERN.test(id) || (decision !== "approve" && decision !== "reject")) return null;
  return `Recorded: you ${decision === "approve" ? "approved" : "rejected"} ${id}.`;
}

function withQuery(path: string, params: Record<string, string>): string {
  const url = new URL(path, "http://console.invalid");
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}`;
}

async function receiptOf(api: ApiClient, runId: string): Promise<ReceiptState> {
  const r = await api.get<unknown>(`/runs/${runId}/receipt`);
  if (!r.ok) {
    if (isMissingRoute(r)) return { kind: "unavailable" };
    if (r.status === 401) throw new ApiProblemError(401, r.problem);
    return { kind: "problem", problem: r.problem };
  }
  if (r.status === 202) return { kind: "pending", retryAfter: r.headers.get("retry-after") };
  const [key, latest, served] = await Promise.all([
    api.getText("/log/verifier-key"),
    api.getText("/log/checkpoint"),
    api.getBytes(`/runs/${runId}`),
  ]);
  const servedSha256 = served.ok ? crypto.createHash("sha256").update(served.data).digest("hex") : null;
  const verifierKey = key.ok ? key.data.trim() : null;
  const latestNote = latest.ok ? latest.data : null;
  // A consistency proof is asked for only between two checkpoints that verify.
  const from = receiptSize(r.data, verifierKey);
  const opened = verifierKey && latestNote ? openLatest(latestNote, verifierKey) : undefined;
  let consistency: readonly string[] | null = null;
  if (from !== null && opened?.ok && opened.checkpoint.size > from) {
    const proof = await api.get<{ hashes?: unknown }>("/log/proof/consistency", {
      from: String(from),
      to: String(opened.checkpoint.size),
    });
    if (proof.ok && Array.isArray(proof.data.hashes) && proof.data.hashes.every((h) => typeof h === "string")) {
      consistency = proof.data.hashes as string[];
    }
  }
  const leafIndex = (r.data as { leaf_index?: unknown }).leaf_index;
  return {
    kind: "checked",
    leafIndex: typeof leafIndex === "number" ? leafIndex : null,
    check: checkReceipt(runId, r.data, verifierKey, { checkpoint: latestNote, consistency }, servedSha256),
  };
}

async function runAdvisories(api: ApiClient, runId: string): Promise<RunAdvisory[] | { problem: string }> {
  const r = await api.get<{ items: RunLink[] }>(`/runs/${runId}/advisories`);
  if (!r.ok) return isMissingRoute(r) ? [] : { problem: `${r.status} ${r.problem.title}` };
  return Promise.all(
    r.data.items.map(async (item) => {
      const asset = await api.get<AdvisoryAsset>(`/advisories/${item.link.advisory_id}`);
      return {
        kind: item.link.kind,
        advisoryId: item.link.advisory_id,
        reviewState: item.review.state,
        asset: asset.ok ? asset.data : null,
      };
    }),
  );
}

/** Builds the console app; mount it under /ui with `fetch(request, { api })`. */
export function createConsoleApp(options: ConsoleAppOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.use("*", securityHeaders());

  app.get("/ui/assets/console.css", (c) =>
    c.body(CONSOLE_CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=300" }),
  );
  app.get("/ui/assets/console.js", (c) =>
    c.body(CONSOLE_JS, 200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    }),
  );

  app.use(
    "*",
    sessions({ key: options.key, ttlSeconds: options.ttlSeconds, ...(options.now ? { now: options.now } : {}) }),
  );

  // Every POST: a small form body, from this origin, carrying this session's CSRF token.
  app.post(
    "*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) =>
        page(
          c as Ctx,
          <ErrorPage
            viewer={viewerOf(c as Ctx)}
            status={413}
            title="Form too large"
            message="The form sent more than 64 KiB."
          />,
          413,
        ),
    }),
    async (c, next) => {
      const origin = c.req.header("origin");
      const own = new URL(c.req.url).origin;
      const body = await c.req.parseBody();
      if ((origin && origin !== own && origin !== "null") || !csrfMatches(c.get("session"), body.csrf)) {
        return page(
          c,
          <ErrorPage
            viewer={viewerOf(c)}
            status={403}
            title="This form cannot be accepted"
            message="It did not carry this session's security token (it may have expired, or come from another site). Go back, reload the page and try again."
          />,
          403,
        );
      }
      return next();
    },
  );

  app.get("/ui", (c) => c.redirect("/ui/", 301));

  const runsList = async (c: Ctx) => {
    const api = apiOf(c);
    const filters: Record<string, string> = {};
    for (const name of RUN_FILTERS) {
      const v = c.req.query(name);
      if (v) filters[name] = v;
    }
    const cursor = c.req.query("cursor");
    const result = await api.get<{ items: RunSummary[]; next_cursor: string | null }>("/runs", {
      ...filters,
      ...(cursor ? { cursor } : {}),
    });
    if (!result.ok && result.status !== 400) throw new ApiProblemError(result.status, result.problem);
    const base = new URLSearchParams(filters);
    const href = (extra: Record<string, string>) => {
      const q = new URLSearchParams(base);
      for (const [k, v] of Object.entries(extra)) q.set(k, v);
      const s = q.toString();
      return s ? `/ui/runs?${s}` : "/ui/runs";
    };
    return page(
      c,
      <RunsPage
        viewer={viewerOf(c)}
        filters={filters}
        items={result.ok ? result.data.items : null}
        nextHref={result.ok && result.data.next_cursor ? href({ cursor: result.data.next_cursor }) : null}
        firstHref={cursor ? href({}) : null}
        problem={result.ok ? null : result.problem}
      />,
      result.ok ? 200 : 400,
    );
  };
  app.get("/ui/", runsList);
  app.get("/ui/runs", runsList);

  app.get("/ui/runs/:run_id", async (c) => {
    const runId = c.req.param("run_id");
    if (!RUN_ID_PATTERN.test(runId)) return notARun(c, runId);
    const api = apiOf(c);
    const run = await api.get<RunArtifact>(`/runs/${runId}`);
    if (!run.ok) {
      if (run.status === 404) return noSuchRun(c, runId);
      throw new ApiProblemError(run.status, run.problem);
    }
    const [verify, receipt, advisories] = await Promise.all([
      api.get<VerifyResult>(`/runs/${runId}/verify`),
      receiptOf(api, runId),
      runAdvisories(api, runId),
    ]);
    const pending = Array.isArray(advisories) && advisories.some((a) => a.asset?.review.state === "PENDING");
    return page(
      c,
      <RunPage
        viewer={viewerOf(c)}
        run={run.data}
        verify={verify.ok ? verify.data : { problem: `${verify.status} ${verify.problem.title}` }}
        receipt={receipt}
        advisories={advisories}
        canReview={pending ? await canReview(api) : false}
        flash={flashOf(c)}
        path={`/ui/runs/${runId}`}
      />,
    );
  });

  app.get("/ui/runs/:run_id/attachments/:sha256", async (c) => {
    const runId = c.req.param("run_id");
    const sha = c.req.param("sha256");
    if (!RUN_ID_PATTERN.test(runId) || !SHA256_PATTERN.test(sha)) return notFoundPage(c);
    const api = apiOf(c);
    const list = await api.get<
      { items?: { sha256: string; filename: string }[] } | { sha256: string; filename: string }[]
    >(`/runs/${runId}/attachments`);
    if (!list.ok) throw new ApiProblemError(list.status, list.problem);
    const items = Array.isArray(list.data) ? list.data : (list.data.items ?? []);
    const record = items.find((a) => a.sha256 === sha);
    const response = await api.raw(`/runs/${runId}/attachments/${sha}`);
    if (!response.ok || !record) {
      const text = await response.text();
      let problem = {
        type: "about:blank",
        title: response.statusText || "Not Found",
        status: response.status,
        detail: text.slice(0, 300),
      };
      try {
        problem = { ...problem, ...(JSON.parse(text) as object) };
      } catch {
        // not JSON: the text is the detail
      }
      throw new ApiProblemError(record ? response.status : 404, problem);
    }
    const ascii = record.filename.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 150) || "attachment";
    const headers: Record<string, string> = {
      "Content-Type": response.headers.get("content-type") ?? "application/octet-stream",
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(record.filename)}`,
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    };
    const length = response.headers.get("content-length");
    if (length) headers["Content-Length"] = length;
    const etag = response.headers.get("etag");
    if (etag) headers.ETag = etag;
    return new Response(response.body, { status: 200, headers });
  });

  app.get("/ui/diff", async (c) => {
    const a = (c.req.query("a") ?? "").trim();
    const b = (c.req.query("b") ?? "").trim();
    const viewer = viewerOf(c);
    if (!a && !b) return page(c, <DiffPage viewer={viewer} a="" b="" runs={null} diff={null} problem={null} />);
    const api = apiOf(c);
    const diff = await api.get<DiffResult>("/runs/diff", { a, b });
    if (!diff.ok) {
      if (diff.status === 401 || diff.status === 403) throw new ApiProblemError(diff.status, diff.problem);
      return page(
        c,
        <DiffPage viewer={viewer} a={a} b={b} runs={null} diff={null} problem={diff.problem} />,
        diff.status,
      );
    }
    const [ra, rb] = await Promise.all([api.need<RunArtifact>(`/runs/${a}`), api.need<RunArtifact>(`/runs/${b}`)]);
    return page(c, <DiffPage viewer={viewer} a={a} b={b} runs={{ a: ra, b: rb }} diff={diff.data} problem={null} />);
  });

  app.get("/ui/reviews", async (c) => {
    const api = apiOf(c);
    const cursor = c.req.query("cursor");
    const queue = await scanReviewQueue(api, cursor);
    return page(
      c,
      <ReviewsPage
        viewer={viewerOf(c)}
        queue={queue}
        nextHref={queue.nextCursor ? `/ui/reviews?cursor=${encodeURIComponent(queue.nextCursor)}` : null}
        canReview={await canReview(api)}
        flash={flashOf(c)}
        path={cursor ? `/ui/reviews?cursor=${encodeURIComponent(cursor)}` : "/ui/reviews"}
      />,
    );
  });

  app.get("/ui/advisories", (c) => {
    const id = (c.req.query("id") ?? "").trim();
    if (!ADVISORY_ID_PATTERN.test(id)) {
      return page(
        c,
        <ErrorPage
          viewer={viewerOf(c)}
          status={400}
          title="Not an advisory asset id"
          message={`"${id.slice(0, 100)}" is not an asset id: they look like adv_ followed by 26 letters and digits.`}
        />,
        400,
      );
    }
    return c.redirect(`/ui/advisories/${id}`, 303);
  });

  app.get("/ui/advisories/:asset_id", async (c) => {
    const id = c.req.param("asset_id");
    if (!ADVISORY_ID_PATTERN.test(id)) return notFoundPage(c);
    const api = apiOf(c);
    const asset = await api.need<AdvisoryAsset>(`/advisories/${id}`);
    return page(
      c,
      <AdvisoryPage
        viewer={viewerOf(c)}
        asset={asset}
        canReview={asset.review.state === "PENDING" ? await canReview(api) : false}
        flash={flashOf(c)}
        path={`/ui/advisories/${id}`}
      />,
    );
  });

  app.post("/ui/advisories/:asset_id/review", async (c) => {
    const id = c.req.param("asset_id");
    if (!ADVISORY_ID_PATTERN.test(id)) return notFoundPage(c);
    const form = await c.req.parseBody();
    const returnTo = safeConsolePath(form.return_to);
    const decision = form.decision;
    const note = typeof form.note === "string" ? form.note.trim() : "";
    const reviewer = typeof form.reviewer_id === "string" ? form.reviewer_id.trim() : "";
    const api = apiOf(c);
    const result = await api.post(`/advisories/${id}/review`, {
      decision,
      ...(reviewer ? { reviewer_id: reviewer } : {}),
      ...(note ? { note } : {}),
    });
    if (!result.ok) {
      if (result.status === 401) return c.redirect(`/ui/login?next=${encodeURIComponent(returnTo)}`, 303);
      const titles: Record<number, string> = {
        403: "You may not review this asset",
        409: "This asset was already decided",
        400: "The review was not accepted",
      };
      return page(
        c,
        <ErrorPage
          viewer={viewerOf(c)}
          status={result.status}
          title={titles[result.status] ?? "The review was not recorded"}
          message="Nothing was recorded. The API's answer is below."
          problem={result.problem}
        />,
        result.status,
      );
    }
    return c.redirect(
      withQuery(returnTo, { reviewed: id, decision: decision === "reject" ? "reject" : "approve" }),
      303,
    );
  });

  app.get("/ui/sessions", async (c) => {
    const api = apiOf(c);
    const workflow = c.req.query("workflow") ?? "";
    const state = c.req.query("state") ?? "";
    const cursor = c.req.query("cursor");
    const list = await api.need<{ items: WorkflowSession[]; next_cursor: string | null }>("/workflow-sessions", {
      workflow,
      state,
      ...(cursor ? { cursor } : {}),
    });
    const q = new URLSearchParams();
    if (workflow) q.set("workflow", workflow);
    if (state) q.set("state", state);
    if (list.next_cursor) q.set("cursor", list.next_cursor);
    return page(
      c,
      <SessionsPage
        viewer={viewerOf(c)}
        workflow={workflow}
        state={state}
        items={list.items}
        nextHref={list.next_cursor ? `/ui/sessions?${q}` : null}
      />,
    );
  });

  app.get("/ui/sessions/:session_id", async (c) => {
    const id = c.req.param("session_id");
    if (!SESSION_ID_PATTERN.test(id)) return notFoundPage(c);
    const api = apiOf(c);
    const [session, events] = await Promise.all([
      api.need<WorkflowSession>(`/workflow-sessions/${id}`),
      api.need<{ items: SessionEvent[] }>(`/workflow-sessions/${id}/events`),
    ]);
    return page(c, <SessionPage viewer={viewerOf(c)} session={session} events={events.items} />);
  });

  app.get("/ui/log", async (c) => {
    const api = apiOf(c);
    const checkpoint = await api.getText("/log/checkpoint");
    let state: LogState;
    if (!checkpoint.ok) {
      if (checkpoint.status === 401 || checkpoint.status === 403)
        throw new ApiProblemError(checkpoint.status, checkpoint.problem);
      state = isMissingRoute(checkpoint)
        ? { kind: "unavailable" }
        : { kind: "problem", detail: `${checkpoint.status} ${checkpoint.problem.title}` };
    } else {
      const key = await api.getText("/log/verifier-key");
      const verifierKey = key.ok ? key.data.trim() : null;
      const opened = verifierKey ? openLatest(checkpoint.data, verifierKey) : undefined;
      state = {
        kind: "checkpoint",
        text: checkpoint.data.slice(0, 10_000),
        origin: opened?.ok ? opened.checkpoint.origin : null,
        size: opened?.ok ? opened.checkpoint.size : null,
        root: opened?.ok ? Buffer.from(opened.checkpoint.root).toString("hex") : null,
        verifierKey: verifierKey ? verifierKey.slice(0, 500) : null,
        signature: verifierKey
          ? opened?.ok
            ? { ok: true, detail: "signed by the log's verifier key" }
            : {
                ok: false,
                detail: `does not check against the log's verifier key: ${opened?.ok === false ? opened.reason : ""}`,
              }
          : { ok: false, detail: "the log's verifier key could not be read" },
      };
    }
    return page(c, <LogPage viewer={viewerOf(c)} state={state} />);
  });

  app.get("/ui/login", async (c) => {
    const next = safeConsolePath(c.req.query("next") ?? "/ui/runs");
    const signedIn = c.get("session").tok !== null;
    let authOff = false;
    if (!signedIn) {
      const probe = await apiOf(c).get("/runs", { limit: "1" });
      authOff = probe.ok;
    }
    const info = c.req.query("signed_out")
      ? "You are signed out."
      : signedIn
        ? "You are signed in. Signing in again replaces the current credential."
        : null;
    return page(c, <LoginPage viewer={viewerOf(c)} next={next} error={null} info={info} authOff={authOff} />);
  });

  app.post("/ui/login", async (c) => {
    const form = await c.req.parseBody();
    const next = safeConsolePath(form.next);
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const now = options.now?.() ?? Math.floor(Date.now() / 1000);
    const refuse = (message: string, status: number) =>
      page(c, <LoginPage viewer={viewerOf(c)} next={next} error={message} info={null} authOff={false} />, status);
    if (!token || token.length > 16_384 || /[\s\u0000-\u001f]/.test(token)) {
      return refuse("Paste the whole token: one line, without spaces.", 400);
    }
    const check = await new ApiClient(c.env.api, new URL(c.req.url).origin, token, c.req.header("x-request-id")).get(
      "/runs",
      {
        limit: "1",
      },
    );
    if (!check.ok && check.status === 401)
      return refuse("The service did not accept this token (unknown, expired or revoked).", 401);
    if (!check.ok && check.status !== 403) throw new ApiProblemError(check.status, check.problem);
    c.set("nextSession", newSession(token, now, options.ttlSeconds));
    return c.redirect(next, 303);
  });

  app.post("/ui/logout", (c) => {
    const now = options.now?.() ?? Math.floor(Date.now() / 1000);
    c.set("nextSession", newSession(null, now, options.ttlSeconds));
    return c.redirect("/ui/login?signed_out=1", 303);
  });

  app.notFound((c) => notFoundPage(c as Ctx));

  app.onError((error, c) => {
    const ctx = c as Ctx;
    if (error instanceof ApiProblemError) {
      if (error.status === 401) {
        const next = c.req.method === "GET" ? pathOf(ctx) : "/ui/runs";
        return c.redirect(`/ui/login?next=${encodeURIComponent(safeConsolePath(next))}`, 303);
      }
      if (error.status === 403) {
        return page(
          ctx,
          <ErrorPage
            viewer={viewerOf(ctx)}
            status={403}
            title="Not allowed"
            message="Your credential does not hold a role that may see this."
            problem={error.problem}
          />,
          403,
        );
      }
      if (error.status === 404) {
        return page(
          ctx,
          <ErrorPage
            viewer={viewerOf(ctx)}
            status={404}
            title="Not found"
            message="The service has no such record."
            problem={error.problem}
          />,
          404,
        );
      }
      const status = error.status >= 400 && error.status < 600 ? error.status : 502;
      return page(
        ctx,
        <ErrorPage
          viewer={viewerOf(ctx)}
          status={status}
          title="The service could not answer"
          message="The API answered with an error."
          problem={error.problem}
        />,
        status,
      );
    }
    options.logger?.error({ err: error, path: c.req.path }, "console page failed");
    return page(
      ctx,
      <ErrorPage
        viewer={viewerOf(ctx)}
        status={500}
        title="Something went wrong"
        message="The page could not be built; the error is in the service's log."
      />,
      500,
    );
  });

  return app;
}

function notFoundPage(c: Ctx) {
  return page(
    c,
    <ErrorPage
      viewer={viewerOf(c)}
      status={404}
      title="Page not found"
      message={`There is no console page at ${c.req.path.slice(0, 200)}.`}
    />,
    404,
  );
}

function noSuchRun(c: Ctx, runId: string) {
  return page(
    c,
    <ErrorPage
      viewer={viewerOf(c)}
      status={404}
      title="No such run"
      message={`The service holds no run with the id ${runId}. Check the id (ids are case-sensitive), or search the runs table by mode, tool and date.`}
    />,
    404,
  );
}

function notARun(c: Ctx, runId: string) {
  return page(
    c,
    <ErrorPage
      viewer={viewerOf(c)}
      status={404}
      title="No such run"
      message={`"${runId.slice(0, 100)}" is not a run id: run ids look like run_ followed by 26 letters and digits (or 12 hex digits for runs imported from v1).`}
    />,
    404,
  );
}
