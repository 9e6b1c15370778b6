/**
 * Whether a listen address is loopback only: `localhost`, an IPv4 address in
 * 127.0.0.0/8, or `::1` (in any spelling, also IPv4-mapped `::ffff:127.x.y.z`).
 * Anything else — `0.0.0.0`, `::`, a LAN address, a host name — may be reachable from
 * other machines, which is what decides whether authentication may stay off by default.
 */
import net from "node:net";

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Whether `host` listens on loopback only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  if (h === "localhost") return true;
  const bare = h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
  if (net.isIPv4(bare)) return LOOPBACK.check(bare, "ipv4");
  if (net.isIPv6(bare)) return LOOPBACK.check(bare, "ipv6");
  return false;
}
