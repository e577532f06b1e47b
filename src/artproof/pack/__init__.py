"""What a collector keeps and shows: the printable certificate, the provenance pack, the bundle."""
