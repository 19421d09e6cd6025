import pytest

from wsop_hub.ingest.wsop_plus import COUNTRY_NAMES, name_key, normalize_country


@pytest.mark.parametrize(
    "variant",
    [
        "José GARCÍA",
        "jose  garcia",
        "  Jose\tGarcia ",
        "JOSE GARCIA",
        "José-García",
        "Jose\u00a0Garcia",
    ],
)
def test_name_key_ignores_case_accents_spacing_and_hyphens(variant: str) -> None:
    assert name_key(variant) == name_key("jose garcia") == "jose garcia"


def test_name_key_folds_letters_nfkd_cannot_decompose() -> None:
    # Turkish dotless i / cedilla, as in the real players Dalkilic and Ipekoglu.
    assert name_key("Mehmet Dalkılıç") == name_key("MEHMET DALKILIC")
    assert name_key("İpekoğlu") == name_key("Ipekoglu")
    assert name_key("Søren Łukasz Ærø") == "soren lukasz aero"
    assert name_key("Weiß") == name_key("WEISS")


def test_name_key_drops_apostrophes_but_keeps_word_boundaries() -> None:
    assert name_key("O'Neil") == name_key("ONeil") == "oneil"
    assert name_key("Al Kubasi") == name_key("AL-KUBASI")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Phil Ivey", "Phil Hellmuth"),
        ("Jon Kyte", "Jon Kyle"),
        ("Garcia Jose", "Jose Garcia"),
        ("Voronin", "Voronina"),
    ],
)
def test_name_key_keeps_distinct_names_distinct(first: str, second: str) -> None:
    assert name_key(first) != name_key(second)


def test_name_key_of_blank_is_empty() -> None:
    assert name_key("  \t ") == ""


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("TR", "TR"),
        ("tr", "TR"),
        (" cy ", "CY"),
        ("UK", "GB"),
        ("EL", "GR"),
        ("XK", "XK"),
        ("Türkiye", "TR"),
        ("TURKEY", "TR"),
        ("TUR", "TR"),
        ("Russian Federation", "RU"),
        ("Iran, Islamic Republic of", "IR"),
        ("england", "GB"),
        ("United States of America", "US"),
        ("Lebanon", "LB"),
    ],
)
def test_country_codes_and_names_normalise_to_iso2(value: str, code: str) -> None:
    assert normalize_country(value) == code


@pytest.mark.parametrize("value", ["ZZ", "Atlantis", "", "T", "Türk"])
def test_unknown_countries_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="country"):
        normalize_country(value)


def test_every_country_seen_in_the_real_samples_has_a_name_mapping() -> None:
    # Codes from standings_snapshot_sample.json and the cue-sheet chip-count/leaderboard tabs.
    seen = {"TR", "IR", "IT", "PL", "LV", "LB", "RU", "US", "GR", "DE", "LT", "BG", "BR"}
    seen |= {"BY", "NO", "RO", "AT", "CY"}
    assert seen <= set(COUNTRY_NAMES.values())
