"""Imports every built-in operation module, which registers it."""

from artproof.ops import edit, human, imports, vary  # noqa: F401
from artproof.ops.generate import cppn, neural  # noqa: F401
