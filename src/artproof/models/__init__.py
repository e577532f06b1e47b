"""Trained models that ship inside installed packages: where they are, what they are, checked."""
