"""Country flags: ISO code → the After Effects footage name, and where the images live.

The AE project's `Flag` folder names files by English country name (`Flag/Korea.png`,
`Flag/United States.png`), so binding produces those relative paths for Nexrender and the
built-in renderer alike. The map is the one of the original `get_flag_path` migration
(FACTS §6.4), plus the countries seen in the real payloads that it lacked (Iran, Lebanon)
and a few more regulars of European circuit events.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path, PurePosixPath

UNKNOWN_FLAG = "Flag/Unknown.png"

#: ISO 3166-1 alpha-2 (and the common non-ISO "UK") → footage name in `Flag/`.
COUNTRY_FLAG_NAMES: dict[str, str] = {
    "AE": "United Arab Emirates",
    "AM": "Armenia",
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "BR": "Brazil",
    "BY": "Belarus",
    "CA": "Canada",
    "CH": "Switzerland",
    "CL": "Chile",
    "CN": "China",
    "CO": "Colombia",
    "CY": "Cyprus",
    "CZ": "Czech Republic",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "EG": "Egypt",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GE": "Georgia",
    "GR": "Greece",
    "HR": "Croatia",
    "HU": "Hungary",
    "ID": "Indonesia",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "IR": "Iran",
    "IT": "Italy",
    "JP": "Japan",
    "KR": "Korea",
    "KZ": "Kazakhstan",
    "LB": "Lebanon",
    "LT": "Lithuania",
    "LV": "Latvia",
    "MT": "Malta",
    "MX": "Mexico",
    "MY": "Malaysia",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PE": "Peru",
    "PH": "Philippines",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "RS": "Serbia",
    "RU": "Russia",
    "SE": "Sweden",
    "SG": "Singapore",
    "TH": "Thailand",
    "TR": "Turkey",
    "UA": "Ukraine",
    "UK": "United Kingdom",
    "US": "United States",
    "VE": "Venezuela",
    "VN": "Vietnam",
    "ZA": "South Africa",
}

_COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")


def is_country_code(value: str) -> bool:
    """Two letters: what a payload sends instead of a flag path (`KR`, `us`, `XX`)."""
    return bool(_COUNTRY_CODE.match(value.strip()))


def get_flag_path(country_code: str | None) -> str:
    """ "KR" → "Flag/Korea.png"; None, "", "XX" or a code not in the map → the Unknown flag."""
    if not country_code:
        return UNKNOWN_FLAG
    name = COUNTRY_FLAG_NAMES.get(country_code.strip().upper())
    return f"Flag/{name}.png" if name else UNKNOWN_FLAG


def check_media_path(value: str) -> str:
    """A media path from gfx_data, accepted only if it stays inside the media root.

    Payloads send paths like `Flag/Turkey.png`; anything absolute or climbing out with
    `..` would let a payload make the renderer read arbitrary files.
    """
    path = PurePosixPath(value.replace("\\", "/"))
    if not value or path.is_absolute() or ".." in path.parts or ":" in value:
        raise ValueError(f"media path {value!r} must be relative, like 'Flag/Korea.png'")
    if path.suffix.lower() not in {".png", ".jpg", ".jpeg"}:
        raise ValueError(f"media path {value!r} must name a .png or .jpg image")
    return str(path)


def default_media_root() -> Path:
    """The images shipped in the package (`render/media/`: a few flags and Unknown.png)."""
    return Path(str(files("wsop_hub.render") / "media"))


def resolve_media(relative: str, media_root: Path) -> Path:
    """The file to draw for a bound media path; a flag we do not ship draws as Unknown.

    FACTS §6.3: a missing flag is not an error (INFO, Unknown.png is shown instead).
    """
    candidate = media_root / check_media_path(relative)
    if candidate.is_file():
        return candidate
    return media_root / UNKNOWN_FLAG
