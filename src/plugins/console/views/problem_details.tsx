/**
 * An API problem (RFC 9457) shown to a person: its title and detail, and each field
 * error with the field it names — all as text.
 */
import type { ApiProblem } from "../api_client.js";
import { Notice } from "./components.js";

/** An API problem, shown as an alert. */
export function ProblemDetails(props: { problem: ApiProblem; heading: string }) {
  const p = props.problem;
  return (
    <Notice tone="bad" role="alert">
      <h2>{props.heading}</h2>
      <p>
        <strong>{`${p.status} ${p.title}`}</strong>
        {p.detail ? `: ${p.detail}` : ""}
      </p>
      {p.errors && p.errors.length > 0 ? (
        <ul>
          {p.errors.slice(0, 50).map((e) => (
            <li>
              {e.pointer ? <code>{`${e.location ?? ""} ${e.pointer}`.trim()}</code> : null} {e.message ?? ""}
            </li>
          ))}
        </ul>
      ) : null}
    </Notice>
  );
}
