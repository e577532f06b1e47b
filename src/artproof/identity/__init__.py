"""Identities: this home's signing key and the public keys of others."""
