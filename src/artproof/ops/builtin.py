"""Imports every built-in operation module, which registers it."""

from artproof.ops import assist, edit, external, grid, human, imports, physical, reference, restore, vary  # noqa: F401
from artproof.ops.generate import cppn, diffusion, inpaint, neural  # noqa: F401
