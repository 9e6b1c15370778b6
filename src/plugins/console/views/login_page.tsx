/**
 * Signing in: paste an API token (or an identity provider's JWT). The console checks
 * it by asking the API with it, and keeps it only in the sealed session cookie.
 */
import { CsrfField, Notice } from "./components.js";
import { Layout, type Viewer } from "./layout.js";

/** The sign-in page. */
export function LoginPage(props: {
  viewer: Viewer;
  next: string;
  error: string | null;
  info: string | null;
  authOff: boolean;
}) {
  return (
    <Layout title="Sign in" section="login" viewer={props.viewer}>
      <h1>Sign in</h1>
      {props.info ? (
        <Notice tone="ok" role="status">
          <p>{props.info}</p>
        </Notice>
      ) : null}
      {props.error ? (
        <Notice tone="bad" role="alert">
          <p>{props.error}</p>
        </Notice>
      ) : null}
      {props.authOff ? (
        <Notice>
          <p>
            Authentication is off on this installation: every page is open without signing in, and actions are recorded
            as <code>anonymous</code>. <a href="/ui/runs">Go to the runs</a>.
          </p>
        </Notice>
      ) : null}
      <form method="post" action="/ui/login" class="panel" aria-label="Sign in">
        <CsrfField token={props.viewer.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <label for="token">
          Token{" "}
          <span class="hint">
            an API token from <code>rmos tokens create</code>, or a JWT from your identity provider
          </span>
        </label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <p>
          <button type="submit">Sign in</button>
        </p>
        <p class="hint">
          The token is checked with the API and then kept only inside an encrypted, HttpOnly session cookie; it is never
          shown again. Sessions end when you sign out, when they expire, or when the token is revoked.
        </p>
      </form>
    </Layout>
  );
}
