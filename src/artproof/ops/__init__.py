"""Image operations: typed, versioned, registered by decorator.

The registry loads every built-in operation (``artproof.ops.builtin``) before
its first lookup, so a recorded step can always be turned back into exactly
the operation and version that made it.
"""

from artproof.ops.registry import (
    AGENCIES,
    Agency,
    OpContext,
    Operation,
    OpOutput,
    all_operations,
    get_operation,
    latest_operation,
    operation,
)

__all__ = [
    "AGENCIES",
    "Agency",
    "OpContext",
    "OpOutput",
    "Operation",
    "all_operations",
    "get_operation",
    "latest_operation",
    "operation",
]
