/**
 * The transparency-log toolkit in one import: RFC 6962/9162 hashing, proofs and
 * their verification, C2SP checkpoints, signed notes, note keys, tile paths and
 * entry bundles, the log's leaf, and receipt verification. Depends on node:crypto and
 * the RFC 8785 serializer only, so a client package can ship this folder as it is.
 */
export * from "./base64.js";
export * from "./checkpoint.js";
export * from "./consistency_proof.js";
export * from "./entry_bundle.js";
export * from "./hashing.js";
export * from "./inclusion_proof.js";
export * from "./leaf.js";
export * from "./note_keys.js";
export * from "./receipt.js";
export * from "./signed_note.js";
export * from "./tile_path.js";
export * from "./tree_hash.js";
export * from "./verify_consistency.js";
export * from "./verify_inclusion.js";
export * from "./verify_result.js";
