/**
 * Keys that PostgreSQL text cannot hold. A NUL character is refused by the server as
 * an encoding error (a 500 instead of "not found"); no id of this service contains one,
 * so the stores answer such a key as "not stored" without asking the database.
 */

/** Whether `key` can be stored in a PostgreSQL text column (it holds no NUL). */
export function isStorableKey(key: string): boolean {
  return !key.includes("\u0000");
}
