/** Loopback detection for the secure default. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isLoopbackHost } from "./loopback.js";

test("loopback: localhost, 127.0.0.0/8, ::1 in any spelling, IPv4-mapped 127.x", () => {
  for (const h of [
    "localhost",
    "LOCALHOST",
    "127.0.0.1",
    "127.255.255.254",
    "::1",
    "0:0:0:0:0:0:0:1",
    "[::1]",
    "::ffff:127.0.0.1",
  ]) {
    assert.equal(isLoopbackHost(h), true, h);
  }
});

test("not loopback: any address, LAN, names, look-alikes", () => {
  for (const h of [
    "0.0.0.0",
    "::",
    "10.0.0.1",
    "128.0.0.1",
    "192.168.1.10",
    "::2",
    "example.com",
    "localhost.example.com",
    "127.0.0.1.nip.io",
    "127.1",
    "0177.0.0.1",
    "",
  ]) {
    assert.equal(isLoopbackHost(h), false, h);
  }
});
