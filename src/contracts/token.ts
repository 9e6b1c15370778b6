/**
 * Typed injection tokens.
 *
 * A token is a unique symbol that also carries, for the type checker only, the type
 * of what is bound to it: a plugin names the tokens it provides and consumes, and the
 * kernel hands over the services bound to them, typed, with no decorator metadata.
 * Plugins share services only through tokens declared in src/contracts.
 */

/** An injection token for a service of type T. */
export type Token<T> = symbol & { readonly __service?: T };

/** Declares a token; `name` shows in error messages. */
export function token<T>(name: string): Token<T> {
  return Symbol.for(`rmos.${name}`) as Token<T>;
}
