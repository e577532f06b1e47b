"""Sealing: Content Credentials, the signer and its CA, certificate expiry judged at ledger time."""
