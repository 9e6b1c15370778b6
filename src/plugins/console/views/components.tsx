/**
 * Small view pieces shared by the console's pages: badges that say their value in
 * words as well as colour, hashes with a copy button, timestamps, byte sizes, JSON
 * blocks, and text cut to a bound with the whole value kept in a tooltip. All stored
 * values pass through hono/jsx, which escapes text and attribute values.
 */
import type { Child } from "hono/jsx";

/** A coloured badge; `kind` picks the colour class (e.g. `risk`), `value` is shown as text. */
export function Badge(props: { kind: string; value: string; label?: string }) {
  const safe = props.value.replace(/[^A-Za-z0-9_-]/g, "");
  return (
    <span class={`badge ${props.kind}-${safe}`} title={props.label ? `${props.label}: ${props.value}` : props.value}>
      {props.value}
    </span>
  );
}

/** A hash or id in full (wrapping), with a copy button that the script reveals. */
export function Hash(props: { value: string; label?: string }) {
  return (
    <span>
      <code class="hash">{props.value}</code>
      <button type="button" class="copy" data-copy={props.value} hidden aria-label={`Copy ${props.label ?? "value"}`}>
        Copy
      </button>
    </span>
  );
}

/** Text cut to `max` characters; the whole text stays available as the title. */
export function Cut(props: { text: string; max?: number }) {
  const max = props.max ?? 80;
  if (props.text.length <= max) return <span>{props.text}</span>;
  return <span title={props.text.slice(0, 2000)}>{`${props.text.slice(0, max)}…`}</span>;
}

/** A stored timestamp, in a <time> element. */
export function Time(props: { value: string | null | undefined }) {
  if (!props.value) return <span>—</span>;
  return <time datetime={props.value}>{props.value.replace("T", " ").replace("Z", " UTC")}</time>;
}

/** A byte count in words: 1 536 → "1.5 KiB (1536 bytes)". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return String(n);
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} bytes` : `${value.toFixed(1)} ${units[unit]} (${n} bytes)`;
}

/** Pretty JSON of a stored value, cut at `maxChars` with a note. */
export function JsonBlock(props: { value: unknown; label: string; maxChars?: number }) {
  const text = JSON.stringify(props.value, null, 2) ?? String(props.value);
  const max = props.maxChars ?? 20_000;
  const cut = text.length > max;
  return (
    <section aria-label={props.label}>
      <pre tabindex={0}>{cut ? text.slice(0, max) : text}</pre>
      {cut ? (
        <p class="hint">{`Shown: the first ${max} of ${text.length} characters. The API has the whole value.`}</p>
      ) : null}
    </section>
  );
}

/** A notice box; `tone` ok / bad / warn / info. */
export function Notice(props: { tone?: "ok" | "bad" | "warn" | "info"; role?: string; children?: Child }) {
  return (
    <div class={`notice ${props.tone ?? "info"}`} role={props.role}>
      {props.children}
    </div>
  );
}

/** The CSRF field every form carries. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="csrf" value={props.token} />;
}

/** A pass/fail verdict: colour and the word. */
export function Verdict(props: { ok: boolean; yes?: string; no?: string }) {
  return <span class={`badge ok-${props.ok}`}>{props.ok ? (props.yes ?? "passed") : (props.no ?? "failed")}</span>;
}
