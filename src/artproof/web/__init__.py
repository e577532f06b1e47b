"""The web shell: the public registry's pages and its JSON API over the same services as the CLI."""
