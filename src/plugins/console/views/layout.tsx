/**
 * The frame of every console page: a skip link, the header with the navigation and
 * who is signed in (with the sign-out form), the main landmark and a footer. The page
 * loads one stylesheet and one script, both from the console itself.
 */
import type { Child } from "hono/jsx";
import { CsrfField } from "./components.js";

/** What every page knows about the person looking at it. */
export interface Viewer {
  /** The signed-in credential's public label, or null when not signed in. */
  readonly signedInAs: string | null;
  readonly csrf: string;
}

const NAV = [
  { href: "/ui/runs", label: "Runs", key: "runs" },
  { href: "/ui/diff", label: "Compare", key: "diff" },
  { href: "/ui/reviews", label: "Reviews", key: "reviews" },
  { href: "/ui/sessions", label: "Sessions", key: "sessions" },
  { href: "/ui/log", label: "Log", key: "log" },
] as const;

export type Section = (typeof NAV)[number]["key"] | "login" | "error";

/** One whole page. */
export function Layout(props: { title: string; section: Section; viewer: Viewer; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · RMOS console`}</title>
        <link rel="stylesheet" href="/ui/assets/console.css" />
        <script src="/ui/assets/console.js" defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/ui/">
            RMOS audit console
          </a>
          <nav aria-label="Main">
            <ul>
              {NAV.map((item) => (
                <li>
                  <a href={item.href} aria-current={props.section === item.key ? "page" : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="who">
            {props.viewer.signedInAs ? (
              <>
                <span>{`Signed in: ${props.viewer.signedInAs}`}</span>
                <form method="post" action="/ui/logout">
                  <CsrfField token={props.viewer.csrf} />
                  <button type="submit" class="secondary">
                    Sign out
                  </button>
                </form>
              </>
            ) : (
              <a href="/ui/login" aria-current={props.section === "login" ? "page" : undefined}>
                Sign in
              </a>
            )}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <footer>
          <p>
            Everything here is read from, and written through, the service's API with your credential. Keyboard:{" "}
            <kbd>/</kbd> first field, <kbd>n</kbd> next page, <kbd>g</kbd> then <kbd>r</kbd> runs, <kbd>v</kbd> reviews,{" "}
            <kbd>s</kbd> sessions, <kbd>l</kbd> log (with script on).
          </p>
        </footer>
      </body>
    </html>
  );
}

/** Renders a page as a full HTML document. */
export function renderDocument(page: unknown): string {
  return `<!DOCTYPE html>${String(page)}`;
}
