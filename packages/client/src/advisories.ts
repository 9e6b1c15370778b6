/**
 * `client.advisories`: the append-only advisory records — create an asset, read it,
 * review it (once), link it to a run, list a run's links, and have the service
 * generate and attach an explanation. None of these is retried automatically: a
 * repeat could record a second asset or review, so a caller decides after an error.
 */
import type { CallOptions } from "./runs.js";
import { jsonOf, type Transport } from "./transport.js";
import type {
  AdvisoryAsset,
  AdvisoryLink,
  AttachAdvisoryRequest,
  CreateAdvisoryRequest,
  ReviewRequest,
  RunAdvisories,
  SuggestAndAttachResult,
} from "./types.js";

/** The advisories resource. */
export interface AdvisoriesApi {
  create(body: CreateAdvisoryRequest, options?: CallOptions): Promise<AdvisoryAsset>;
  get(assetId: string, options?: CallOptions): Promise<AdvisoryAsset>;
  /** Approves or rejects an asset; a second review of a decided asset is a 409 RmosProblem. */
  review(assetId: string, body: ReviewRequest, options?: CallOptions): Promise<AdvisoryAsset>;
  /** Links an asset to a run (the same link again answers the existing one). */
  attach(runId: string, body: AttachAdvisoryRequest, options?: CallOptions): Promise<AdvisoryLink>;
  /** A run's links, each with its asset's review state. */
  listForRun(runId: string, options?: CallOptions): Promise<RunAdvisories>;
  /** The service explains the run's decision, stores the explanation and links it. */
  suggestAndAttach(runId: string, options?: CallOptions): Promise<SuggestAndAttachResult>;
}

const enc = encodeURIComponent;

/** The advisories resource over `transport`. */
export function advisoriesApi(transport: Transport): AdvisoriesApi {
  const post = async <T>(path: string, json: unknown, expect: number[], options: CallOptions) =>
    jsonOf<T>(await transport.send({ method: "POST", path, json, retry: false, expect, ...options }));
  const get = async <T>(path: string, options: CallOptions) =>
    jsonOf<T>(await transport.send({ method: "GET", path, retry: true, expect: [200], ...options }));
  return {
    create: (body, options = {}) => post("/advisories", body, [201], options),
    get: (assetId, options = {}) => get(`/advisories/${enc(assetId)}`, options),
    review: (assetId, body, options = {}) => post(`/advisories/${enc(assetId)}/review`, body, [201], options),
    attach: (runId, body, options = {}) => post(`/runs/${enc(runId)}/attach-advisory`, body, [200, 201], options),
    listForRun: (runId, options = {}) => get(`/runs/${enc(runId)}/advisories`, options),
    suggestAndAttach: (runId, options = {}) =>
      post(`/runs/${enc(runId)}/suggest-and-attach`, undefined, [201], options),
  };
}
