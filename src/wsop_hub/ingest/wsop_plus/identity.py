"""Player identity: the name key and ISO-2 country codes.

The name key is what player search and the gfx ↔ WSOP+ link suggestions compare: PokerGFX
operators type names as they like (``HABIBI``, ``Dalkilic``, ``"DZHAVAD ABDOLVAND"``) while
WSOP+ spells them properly (``Mehmet Dalkılıç``), so two spellings of one name must give
one key. WSOP+ is the only source of a player's country (FACTS §2.2), and the real files
carry ISO-2 codes; names and ISO-3 codes seen around the data are mapped explicitly so a
hand-edited export still lands on the right flag.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

# Letters that NFKD does not decompose but that people type without the diacritic
# (Turkish dotless i in Dalkılıç/İpekoğlu, Scandinavian ø, Polish ł, …).
_UNDECOMPOSED_LETTERS = str.maketrans(
    {
        "ı": "i",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)

# Apostrophes disappear (O'Neil = ONeil); every other non-letter, non-digit separates words.
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc`\u00b4")


def name_key(name: str) -> str:
    """Return the comparison key of a player name: case-, accent- and spacing-insensitive.

    Steps: casefold, NFKD, drop combining marks, fold letters without a decomposition
    (ı→i, ø→o, ł→l, æ→ae …), drop apostrophes, turn any other punctuation or symbol into a
    space, collapse whitespace. ``"José  GARCÍA"``, ``"jose garcia"`` and ``"Jose-Garcia"``
    share the key ``"jose garcia"``; word order is kept, so ``"Garcia Jose"`` differs.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) or char in _APOSTROPHES:
            continue
        letters.append(char if char.isalnum() else " ")
    folded = "".join(letters).translate(_UNDECOMPOSED_LETTERS)
    return " ".join(folded.split())


#: ISO 3166-1 alpha-2 codes officially assigned (249), plus XK: Kosovo is user-assigned in
#: ISO 3166 but WSOP, Hendon Mob and flag sets use XK.
ISO_ALPHA2: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK
    """.split()
)

#: Two-letter codes in common use that are not the ISO code of the country they mean.
ALPHA2_ALIASES: Mapping[str, str] = MappingProxyType({"UK": "GB", "EL": "GR"})

# ISO-2 → ISO-3 code and the English names (official and usual) under which the country
# appears in the samples, the cue sheets and hand-edited exports. Keys of the lookup are
# name keys, so accents and case do not matter ("Türkiye" = "turkiye").
_COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "AM": ("ARM", ("Armenia",)),
    "AT": ("AUT", ("Austria",)),
    "AZ": ("AZE", ("Azerbaijan",)),
    "BG": ("BGR", ("Bulgaria",)),
    "BR": ("BRA", ("Brazil", "Brasil")),
    "BY": ("BLR", ("Belarus",)),
    "CA": ("CAN", ("Canada",)),
    "CN": ("CHN", ("China",)),
    "CY": ("CYP", ("Cyprus", "Republic of Cyprus")),
    "CZ": ("CZE", ("Czechia", "Czech Republic")),
    "DE": ("DEU", ("Germany",)),
    "ES": ("ESP", ("Spain",)),
    "FR": ("FRA", ("France",)),
    "GB": (
        "GBR",
        (
            "United Kingdom",
            "Great Britain",
            "England",
            "Scotland",
            "Wales",
            "Northern Ireland",
        ),
    ),
    "GE": ("GEO", ("Georgia",)),
    "GR": ("GRC", ("Greece",)),
    "HU": ("HUN", ("Hungary",)),
    "IL": ("ISR", ("Israel",)),
    "IR": ("IRN", ("Iran", "Islamic Republic of Iran", "Iran, Islamic Republic of")),
    "IT": ("ITA", ("Italy",)),
    "JO": ("JOR", ("Jordan",)),
    "JP": ("JPN", ("Japan",)),
    "KR": ("KOR", ("South Korea", "Korea", "Republic of Korea", "Korea, Republic of")),
    "KZ": ("KAZ", ("Kazakhstan",)),
    "LB": ("LBN", ("Lebanon",)),
    "LT": ("LTU", ("Lithuania",)),
    "LV": ("LVA", ("Latvia",)),
    "MD": ("MDA", ("Moldova", "Republic of Moldova")),
    "NL": ("NLD", ("Netherlands", "The Netherlands", "Holland")),
    "NO": ("NOR", ("Norway",)),
    "PL": ("POL", ("Poland",)),
    "PT": ("PRT", ("Portugal",)),
    "RO": ("ROU", ("Romania",)),
    "RS": ("SRB", ("Serbia",)),
    "RU": ("RUS", ("Russia", "Russian Federation")),
    "TR": ("TUR", ("Turkey", "Türkiye", "Turkiye")),
    "UA": ("UKR", ("Ukraine",)),
    "US": ("USA", ("United States", "United States of America", "USA", "U.S.A.", "U.S.")),
}

#: name key of a country name or ISO-3 code → ISO-2 code.
COUNTRY_NAMES: Mapping[str, str] = MappingProxyType(
    {
        name_key(label): code
        for code, (alpha3, names) in _COUNTRIES.items()
        for label in (alpha3, *names)
    }
)


def normalize_country(value: str) -> str:
    """Return the ISO-2 upper-case code for a code or country name, or raise ValueError.

    Accepts an ISO-2 code in any case (``"tr"``), the aliases ``UK``/``EL``, and the ISO-3
    codes and names in :data:`COUNTRY_NAMES`. Anything else is refused rather than guessed:
    a wrong flag on air is worse than none.
    """
    text = value.strip()
    upper = text.upper()
    if len(upper) == 2 and upper.isascii() and upper.isalpha():
        alpha2 = ALPHA2_ALIASES.get(upper, upper)
        if alpha2 in ISO_ALPHA2:
            return alpha2
        raise ValueError(f"{text!r} is not an ISO 3166-1 alpha-2 country code")
    code = COUNTRY_NAMES.get(name_key(text))
    if code is None:
        raise ValueError(
            f"unknown country {text!r}: use an ISO-2 code (e.g. 'CY') or a name from the mapping"
        )
    return code
