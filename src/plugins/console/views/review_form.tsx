/**
 * The approve / reject form for one pending advisory asset: an optional reviewer id
 * (recorded as given while authentication is off; with sign-in the API records the
 * signed-in principal and refuses a different one), a note, and the CSRF token. The
 * form posts to the console, which posts the review to the API with the person's
 * credential — so the API's roles and four-eyes rule decide.
 */
import { CsrfField } from "./components.js";

/** The review form of one asset. */
export function ReviewForm(props: { assetId: string; csrf: string; returnTo: string }) {
  const id = props.assetId;
  return (
    <form
      method="post"
      action={`/ui/advisories/${encodeURIComponent(id)}/review`}
      class="review-actions"
      aria-label={`Review ${id}`}
    >
      <CsrfField token={props.csrf} />
      <input type="hidden" name="return_to" value={props.returnTo} />
      <div class="wide">
        <label for={`note-${id}`}>
          Note <span class="hint">why you approve or reject (kept with the decision, up to 4000 characters)</span>
        </label>
        <textarea id={`note-${id}`} name="note" maxlength={4000} />
      </div>
      <div class="wide">
        <label for={`reviewer-${id}`}>
          Reviewer id{" "}
          <span class="hint">
            leave empty when signed in (your identity is recorded); with authentication off it is recorded as given
          </span>
        </label>
        <input id={`reviewer-${id}`} name="reviewer_id" maxlength={200} autocomplete="username" />
      </div>
      <button type="submit" name="decision" value="approve" class="approve">
        Approve
      </button>
      <button type="submit" name="decision" value="reject" class="reject">
        Reject
      </button>
    </form>
  );
}
