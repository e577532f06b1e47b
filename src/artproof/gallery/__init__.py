"""The registry's public face: the gallery of registered works, work pages, exhibitions."""
