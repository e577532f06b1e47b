"""The transparency ledger: an append-only Merkle log (RFC 9162) with signed checkpoints."""
