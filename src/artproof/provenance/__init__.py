"""The process graph of a work, its classification, its signed manifest, and replay."""
