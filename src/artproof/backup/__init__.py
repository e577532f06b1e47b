"""Encrypted backups of a home: everything a collector or an artist would lose with the disk."""
