"""Why a render did not produce a graphic, sorted by what the worker should do about it.

Bad data and bad templates are permanent (`PermanentRenderError`: retrying cannot fix the
input); a cancel is neither success nor failure; an encoder crash may be transient.
"""

from __future__ import annotations

from wsop_hub.dispatch.backends import PermanentRenderError
from wsop_hub.errors import ConfigError, InvalidInput


class BindingError(PermanentRenderError, InvalidInput):
    """gfx_data that cannot be bound to the template; the message names the field and slot.

    Also an `InvalidInput`, so an API that binds before queueing answers 422 with the
    same message the worker would have recorded.
    """


class TemplateError(ConfigError):
    """A template definition file that does not validate; the message names file and line."""


class FontUnavailable(PermanentRenderError, ConfigError):
    """The font package the built-in renderer needs is not installed."""


class UnsupportedOutput(PermanentRenderError):
    """Output settings the built-in renderer cannot honour (e.g. odd H.264 dimensions)."""


class RenderCancelled(Exception):
    """The job was cancelled while rendering; partial files have been removed."""


class RenderFailed(Exception):
    """The encoder failed (crash, full disk); may succeed on another attempt."""
