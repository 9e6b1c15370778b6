/**
 * Typed injection tokens.
 *
 * A token is a unique symbol that also carries, for the type checker only, the type
 * of what is bound to it; tsyringe accepts symbols as injection tokens, so
 * `container.resolve(RUN_STORE)` needs no decorator metadata (tsx and esbuild emit
 * none). Plugins share services only through tokens declared in src/contracts.
 */

/** An injection token for a service of type T. */
export type Token<T> = symbol & { readonly __service?: T };

/** Declares a token; `name` shows in error messages. */
export function token<T>(name: string): Token<T> {
  return Symbol.for(`rmos.${name}`) as Token<T>;
}
