"""The one error a WSOP+ file raises when it cannot be imported at all."""

from __future__ import annotations

from wsop_hub.errors import InvalidInput


class WsopFormatError(InvalidInput):
    """The file as a whole cannot be understood: unknown format, missing required columns,
    not UTF-8, not JSON, wrong JSON shape.

    Bad *rows* never raise this; they are reported in ``ParseResult.errors`` and skipped, so
    the rest of the file still imports. The message names the file (and the line when one
    is to blame) so an operator can fix the export without reading code.
    """

    def __init__(self, file_name: str, message: str, *, line: int | None = None) -> None:
        self.file_name = file_name
        self.line = line
        self.reason = message
        where = f"{file_name}: line {line}" if line is not None else file_name
        super().__init__(f"{where}: {message}")
