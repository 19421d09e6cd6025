"""What binding produces and every renderer consumes: layer values for one composition."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BoundGraphic:
    """gfx_data bound to a template's layers.

    `texts` maps a text layer's exact name (as in the After Effects project, e.g. `Name 1`,
    `Chips 1`, `AVERAGE STACK`) to its formatted string; `images` maps an image layer's
    name to a media path relative to the media root (e.g. `Flag/Korea.png`).
    """

    composition: str
    template_version: str
    texts: dict[str, str] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)
