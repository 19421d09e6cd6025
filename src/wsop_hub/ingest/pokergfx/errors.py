"""The one error the PokerGFX parsers raise for bad input."""

from __future__ import annotations

from wsop_hub.errors import InvalidInput


class PokerGfxFormatError(InvalidInput):
    """A PokerGFX export that cannot be turned into a session.

    The message always names the file, then where in it (hand, player, event or line)
    and the field, so an operator can open the file and see the problem; the parts are
    also kept as attributes for a quarantine note or a monitoring event.
    """

    def __init__(
        self,
        source_name: str,
        problem: str,
        *,
        where: str | None = None,
        field: str | None = None,
    ) -> None:
        self.source_name = source_name
        self.problem = problem
        self.where = where
        self.field = field
        parts = [source_name]
        if where:
            parts.append(where)
        if field:
            parts.append(f"field {field}")
        super().__init__(": ".join(parts) + f": {problem}")

    def __reduce__(self) -> tuple[object, ...]:
        """Picklable, so it crosses from a parsing process back to the ingest service."""
        return (_rebuild, (self.source_name, self.problem, self.where, self.field))


def _rebuild(
    source_name: str, problem: str, where: str | None, field: str | None
) -> PokerGfxFormatError:
    return PokerGfxFormatError(source_name, problem, where=where, field=field)
