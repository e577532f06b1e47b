"""The only place that touches other tools' formats: AI-tool metadata, EXIF/XMP, C2PA, W3C PROV."""
