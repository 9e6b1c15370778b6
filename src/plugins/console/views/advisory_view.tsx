/**
 * One advisory asset as a person reads it: type, provider, who made it, its review
 * state (badge in words), the decision's reviewer and note, and its content — the
 * explanation text when the asset carries one, the JSON otherwise — with the review
 * form when the asset is pending and the viewer may review.
 */
import { Badge, Hash, JsonBlock, Time } from "./components.js";
import { ReviewForm } from "./review_form.js";

export interface ReviewState {
  readonly state: string;
  readonly reviewer_id: string | null;
  readonly note: string | null;
  readonly decided_at_utc: string | null;
}

export interface AdvisoryAsset {
  readonly asset_id: string;
  readonly asset_type: string;
  readonly source: string;
  readonly provider: string;
  readonly content_hash: string;
  readonly suggestion_data: Record<string, unknown>;
  readonly created_at_utc: string;
  readonly created_by: string;
  readonly review: ReviewState;
}

/** The explanation text of an asset, when it has one. */
function textOf(data: Record<string, unknown>): { summary: string | null; text: string | null } {
  const summary = typeof data.summary === "string" ? data.summary : null;
  const text = typeof data.text === "string" ? data.text : null;
  return { summary, text };
}

/** An asset's review state: the badge, who decided and when, and the note. */
export function ReviewStateView(props: { review: ReviewState }) {
  const r = props.review;
  return (
    <p>
      <Badge kind="state" value={r.state} label="Review" />{" "}
      {r.state === "PENDING" ? (
        "waiting for a reviewer"
      ) : (
        <>
          {`by ${r.reviewer_id ?? "unknown"} at `}
          <Time value={r.decided_at_utc} />
        </>
      )}
      {r.note ? (
        <span class="prose">
          <br />
          <strong>Note: </strong>
          {r.note}
        </span>
      ) : null}
    </p>
  );
}

/** One advisory asset with its text, and the review form when it is pending and the viewer may review. */
export function AdvisoryView(props: {
  asset: AdvisoryAsset;
  canReview: boolean;
  csrf: string;
  returnTo: string;
  heading?: "h2" | "h3";
  kind?: string;
}) {
  const a = props.asset;
  const { summary, text } = textOf(a.suggestion_data);
  const H = props.heading ?? "h3";
  return (
    <section class="review" aria-label={`Advisory ${a.asset_id}`}>
      <H>
        <a href={`/ui/advisories/${encodeURIComponent(a.asset_id)}`}>
          <code>{a.asset_id}</code>
        </a>{" "}
        {a.asset_type}
        {props.kind ? ` (${props.kind})` : ""}
      </H>
      <ReviewStateView review={a.review} />
      <dl class="facts">
        <dt>Provider</dt>
        <dd>{a.provider}</dd>
        <dt>Source</dt>
        <dd>{a.source}</dd>
        <dt>Created</dt>
        <dd>
          <Time value={a.created_at_utc} /> by {a.created_by}
        </dd>
        <dt>Content SHA-256</dt>
        <dd>
          <Hash value={a.content_hash} label="content hash" />
        </dd>
      </dl>
      {summary ? (
        <p class="prose">
          <strong>{summary}</strong>
        </p>
      ) : null}
      {text ? <p class="prose">{text}</p> : null}
      {text === null ? <JsonBlock value={a.suggestion_data} label={`Content of ${a.asset_id}`} /> : null}
      {a.review.state === "PENDING" && props.canReview ? (
        <ReviewForm assetId={a.asset_id} csrf={props.csrf} returnTo={props.returnTo} />
      ) : null}
      {a.review.state === "PENDING" && !props.canReview ? (
        <p class="hint">Your credential does not hold the reviewer role: you can read this asset but not decide it.</p>
      ) : null}
    </section>
  );
}
