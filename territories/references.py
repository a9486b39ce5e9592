"""`kind:code`, the one way a territory is named outside its own pages (filters, survey
answers, exports, the API): parsed here, resolved in bulk by
`Territory.objects.by_references()`."""

from __future__ import annotations

from dataclasses import dataclass

from .models import TerritoryKind


@dataclass(frozen=True)
class TerritoryReference:
    kind: str
    code: str

    @classmethod
    def parse(cls, value) -> TerritoryReference | None:
        """`epci:242900314` (spaces around the parts ignored, the kind in any case, the
        code upper-cased as the official codes are), or None for anything else."""
        if not isinstance(value, str):
            return None
        kind, separator, code = value.partition(":")
        kind, code = kind.strip().lower(), code.strip().upper()
        if not separator or kind not in TerritoryKind.values or not code or " " in code:
            return None
        return cls(kind, code)

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"
