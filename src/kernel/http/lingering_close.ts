/**
 * Lingering close (RFC 9112 §9.6): answering a request whose body was not read whole
 * (413 on Content-Length, 415, a bad header, 401/403, 429 …) so that a client still
 * sending reads the answer.
 *
 * Closing a TCP socket that has unread bytes in its receive buffer makes the kernel send
 * a reset instead of a FIN, and a reset discards whatever the peer has not read yet —
 * the answer is lost and the client sees EPIPE/ECONNRESET. So when the response goes out
 * before the request body has arrived whole, it says `Connection: close`; once it is
 * written, the sending side is half-closed (FIN after the response), the rest of the
 * body is read and dropped — at most `lingerBytes`, for at most `lingerMs` — and only
 * then is the socket destroyed. A client that stops sending and closes ends it sooner.
 *
 * Node's HTTP server calls `socket.destroySoon()` once a `Connection: close` response
 * is finished (destroy as soon as the FIN is written); this module replaces that call
 * on such sockets with the linger. The body is discarded the way Node's own
 * `IncomingMessage._dump` does it: the readers that stopped early are dropped and the
 * message is resumed, so bytes keep being pulled off the wire.
 */
import { type IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** How long, and how many bytes, a refused body is read and dropped before the socket is destroyed. */
export interface LingerOptions {
  readonly lingerMs: number;
  readonly lingerBytes: number;
}

/** How often the bytes read while lingering are compared with the bound. */
const POLL_MS = 20;

const lingering = new WeakSet<Socket>();

/**
 * Half-closes `socket` after what is queued, reads and drops the rest of `incoming`
 * (bounded in bytes and time), then destroys it. Idempotent.
 */
export function lingerThenDestroy(socket: Socket, incoming: IncomingMessage | undefined, options: LingerOptions): void {
  if (socket.destroyed || lingering.has(socket)) return;
  lingering.add(socket);
  if (incoming && !incoming.destroyed) {
    incoming.removeAllListeners("data");
    incoming.resume();
  }
  // Keep reading even when nothing consumes the socket (no parser any more).
  socket.resume();
  const destroy = () => socket.destroy();
  if (socket.writable) socket.end();
  if (options.lingerMs === 0) {
    if (socket.writableFinished) destroy();
    else socket.once("finish", destroy);
    return;
  }
  const start = socket.bytesRead;
  const deadline = setTimeout(destroy, options.lingerMs);
  const poll = setInterval(() => {
    if (socket.bytesRead - start > options.lingerBytes) destroy();
  }, POLL_MS);
  deadline.unref();
  poll.unref();
  socket.once("close", () => {
    clearTimeout(deadline);
    clearInterval(poll);
  });
}

/** What decides, per response, whether its connection closes and lingers. */
export interface LingerOnUnreadOptions extends LingerOptions {
  /** True while the server is stopping: every response then says `Connection: close`. */
  readonly closeAlways?: () => boolean;
}

/**
 * Before the head of `outgoing` is written: when the request body has not arrived
 * whole, the response says `Connection: close` and its socket lingers instead of being
 * destroyed at once; `closeAlways` (a stopping server) adds `Connection: close` to
 * every response.
 */
function beforeHead(incoming: IncomingMessage, outgoing: ServerResponse, options: LingerOnUnreadOptions): void {
  const unread = !incoming.complete;
  if ((unread || options.closeAlways?.()) && !outgoing.headersSent) outgoing.setHeader("connection", "close");
  const socket = incoming.socket;
  if (unread && socket && !lingering.has(socket)) {
    // Node calls destroySoon() on the socket of a finished `Connection: close` response.
    (socket as Socket & { destroySoon: () => void }).destroySoon = () => lingerThenDestroy(socket, incoming, options);
  }
}

/**
 * The response class of a server that lingers on unread bodies (pass it as the
 * `ServerResponse` option of `http.createServer`): before a head is written, when the
 * request body has not arrived whole, the response says `Connection: close` and its
 * socket lingers instead of being destroyed at once; `closeAlways` (a stopping server)
 * adds `Connection: close` to every response. The check is in the class's `writeHead`
 * (which Node also calls for an implicit head), so a request costs no wrapper of its own.
 */
export function lingeringResponseClass(options: LingerOnUnreadOptions): typeof ServerResponse {
  return class LingeringResponse extends ServerResponse {
    override writeHead(...args: unknown[]): this {
      beforeHead(this.req, this, options);
      return (super.writeHead as (...a: unknown[]) => this)(...args);
    }
  } as typeof ServerResponse;
}
