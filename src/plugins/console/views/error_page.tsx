/**
 * Errors as pages: a helpful 404 for an unknown run or page, 403 when the credential
 * lacks the role, and any other API problem with its title and detail — never raw JSON.
 */
import type { ApiProblem } from "../api_client.js";
import { Layout, type Viewer } from "./layout.js";
import { ProblemDetails } from "./problem_details.js";

/** A page for an error: what happened, the API's answer when there was one, and where to go. */
export function ErrorPage(props: {
  viewer: Viewer;
  status: number;
  title: string;
  message: string;
  problem?: ApiProblem;
}) {
  return (
    <Layout title={props.title} section="error" viewer={props.viewer}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      {props.problem ? <ProblemDetails problem={props.problem} heading="What the API answered" /> : null}
      <p>
        <a href="/ui/runs">Go to the runs</a> · <a href="/ui/reviews">Reviews</a> · <a href="/ui/sessions">Sessions</a>
      </p>
    </Layout>
  );
}
