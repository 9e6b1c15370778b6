/**
 * What @hono/node-server hands a request as its environment — Node's `incoming` and
 * `outgoing` — and reading a request header from them without building a Web
 * `Headers` object. `c.req.header(name)` on the node adapter first turns every raw
 * header of the request into an undici `Headers` (a few microseconds, more than the
 * whole of some routes' work); the kernel's per-request middleware reads one or two
 * headers, so it scans `incoming.rawHeaders` instead, with the same answer: the
 * name matched case-insensitively, several fields of one name joined with ", " and
 * surrounding HTTP whitespace removed, as `Headers.get` does. Without Node bindings (an
 * in-process `app.request`, the console's calls into the API) it asks `c.req.header`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";

/** The Node request and response of a request served by @hono/node-server. */
export interface NodeBindings {
  readonly incoming: IncomingMessage;
  readonly outgoing: ServerResponse;
}

/** The Node bindings of `c`, or undefined when it is not served by Node (e.g. `app.request`). */
export function nodeBindingsOf(c: Context): NodeBindings | undefined {
  const env = c.env as Partial<NodeBindings> | undefined;
  return env?.incoming && env.outgoing ? (env as NodeBindings) : undefined;
}

/** Whether `code` is HTTP whitespace (tab, line feed, carriage return, space). */
function isHttpWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** `value` without leading and trailing HTTP whitespace (what `Headers` stores). */
function trimHttpWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * The value of header `lowerName` (lower case) in Node's raw headers, as
 * `Headers.get` answers it: fields of that name joined with ", ", or undefined.
 */
export function rawHeaderValue(rawHeaders: readonly string[], lowerName: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i] as string;
    if (key.length !== lowerName.length || key.toLowerCase() !== lowerName) continue;
    const value = trimHttpWhitespace(rawHeaders[i + 1] as string);
    found = found === undefined ? value : `${found}, ${value}`;
  }
  return found;
}

/** Request header `lowerName` (lower case), as `c.req.header(lowerName)` would answer it. */
export function requestHeader(c: Context, lowerName: string): string | undefined {
  const node = nodeBindingsOf(c);
  return node ? rawHeaderValue(node.incoming.rawHeaders, lowerName) : c.req.header(lowerName);
}
