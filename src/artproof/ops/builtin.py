"""Imports every built-in operation module, which registers it."""

from artproof.ops import (  # noqa: F401
    assist,
    describe,
    edit,
    external,
    grid,
    human,
    imports,
    physical,
    reference,
    restore,
    vary,
)  # fmt: skip
from artproof.ops.generate import cppn, diffusion, inpaint, neural  # noqa: F401
