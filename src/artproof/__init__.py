"""artproof: an open studio and registry for AI art that collectors can trust.

Every step that makes a work is recorded as a typed, versioned operation in a
signed process graph; the graph classifies the work and can be replayed.
"""

from artproof.errors import ArtproofError

__all__ = ["ArtproofError", "__version__"]
__version__ = "0.1.0"
