"""The base of every typed service result: what ``--json`` prints and the web serves.

A service returns a model; ``to_json()`` is its document (``model_dump(mode="json")`` with the
field aliases the documents use, such as a transfer's ``from``). The CLI and the web render from
the attributes and never build a document of their own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["Result"]


class Result(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    def to_json(self) -> Any:
        return self.model_dump(mode="json", by_alias=True)
