"""Request and response bodies of /api/v1/players (they are its OpenAPI description).

Requests validate everything the database would otherwise refuse with a 500: names must
carry a letter or digit (else they have no search key), countries are ISO-2 codes (a
wrong flag on air is worse than none), override windows are timezone-aware and ordered.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from wsop_hub.api.schemas import Reason
from wsop_hub.ingest.wsop_plus.identity import normalize_country
from wsop_hub.players.merge import OVERRIDABLE_FIELDS, PlayerField, Source
from wsop_hub.players.names import name_key

NAME_MAX = 200
TEXT_MAX = 5000
PATH_MAX = 1000
MAX_WINS = 200


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        """PostgreSQL text and JSONB cannot hold NUL: refuse it as a 422 here rather than
        as a driver error (500) on insert."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character, which cannot be stored")
        return value


class NotableWin(_Body):
    """One line of a player's record (04-Manual-DB `notable_wins`)."""

    year: int | None = Field(default=None, ge=1970, le=2100)
    event: str = Field(min_length=1, max_length=300)
    place: int | None = Field(default=None, ge=1)
    prize: int | None = Field(default=None, ge=0, description="US dollars")
    notes: str | None = Field(default=None, max_length=1000)


_NOTABLE_WINS = TypeAdapter(list[NotableWin])


def _checked_name(value: str) -> str:
    value = value.strip()
    if not name_key(value):
        raise ValueError("a name needs at least one letter or digit")
    return value


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


class _ManualFields(_Body):
    name_korean: str | None = Field(default=None, max_length=NAME_MAX)
    bio: str | None = Field(default=None, max_length=TEXT_MAX)
    country_code: str | None = Field(
        default=None, max_length=60, description="ISO-2 code (or a country name it maps to)"
    )
    profile_image: str | None = Field(default=None, max_length=PATH_MAX, description="path or URL")

    @field_validator("name_korean", "bio", "country_code", "profile_image", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _blank_to_none(value)

    @field_validator("country_code")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else normalize_country(value)


class PlayerCreate(_ManualFields):
    """A person only the admin knows about (no PokerGFX or WSOP+ record yet)."""

    display_name: str = Field(min_length=1, max_length=NAME_MAX)
    notable_wins: list[NotableWin] = Field(default_factory=list, max_length=MAX_WINS)

    @field_validator("display_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _checked_name(value)


class PlayerPatch(_ManualFields):
    """Manual fields to change; a field left out stays, a field sent as null is cleared.

    ``display_name: null`` drops the manual name, so WSOP+ / PokerGFX name the player again.
    """

    display_name: str | None = Field(default=None, max_length=NAME_MAX)
    notable_wins: list[NotableWin] | None = Field(
        default=None, max_length=MAX_WINS, description="null or [] clears the list"
    )

    @field_validator("display_name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else _checked_name(value)

    @model_validator(mode="after")
    def _something(self) -> PlayerPatch:
        if not self.model_fields_set:
            raise ValueError("nothing to change: send at least one manual field")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields sent, as column values (notable_wins as plain dicts)."""
        values = self.model_dump(include=self.model_fields_set, mode="json")
        if "notable_wins" in values and values["notable_wins"] is None:
            values["notable_wins"] = []
        return values


class OverrideCreate(_Body):
    """An exception for one field of one player: wins over every source while in effect."""

    field: PlayerField = Field(description="field to override (not chip_count / hand_data)")
    value: str = Field(
        min_length=1,
        max_length=TEXT_MAX,
        description="new value; for notable_wins a JSON array of {year, event, place, prize}",
    )
    reason: str = Reason
    valid_from: AwareDatetime | None = Field(default=None, description="open-ended when null")
    valid_until: AwareDatetime | None = Field(default=None, description="open-ended when null")

    @field_validator("field")
    @classmethod
    def _overridable(cls, value: PlayerField) -> PlayerField:
        if value not in OVERRIDABLE_FIELDS:
            allowed = ", ".join(field.value for field in OVERRIDABLE_FIELDS)
            raise ValueError(
                f"{value.value} is live source data and cannot be overridden; "
                f"overridable fields: {allowed}"
            )
        return value

    @model_validator(mode="after")
    def _check(self) -> OverrideCreate:
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until <= self.valid_from
        ):
            raise ValueError("valid_until must be later than valid_from")
        self.value = _override_value(self.field, self.value)
        return self


def _override_value(field: PlayerField, value: str) -> str:
    """The canonical stored text of an override value, or ValueError naming the problem."""
    value = value.strip()
    if not value:
        raise ValueError(f"{field.value} override: value is blank")
    if field is PlayerField.NAME:
        try:
            return _checked_name(value)
        except ValueError as exc:
            raise ValueError(f"name override: {exc}") from None
    if field is PlayerField.COUNTRY_CODE:
        try:
            return normalize_country(value)
        except ValueError as exc:
            raise ValueError(f"country_code override: {exc}") from None
    if field is PlayerField.NOTABLE_WINS:
        try:
            wins = _NOTABLE_WINS.validate_json(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "value"
            raise ValueError(
                f"notable_wins override: {where}: {first['msg']} "
                "(expected a JSON array of {year, event, place, prize, notes})"
            ) from None
        return json.dumps([win.model_dump(mode="json") for win in wins], ensure_ascii=False)
    return value


class ReasonBody(_Body):
    reason: str = Reason


class LinkDecision(_Body):
    reason: str | None = Field(default=None, min_length=3, max_length=500)


# -- responses -------------------------------------------------------------------------------


class ChipCount(BaseModel):
    chips: int
    source: Source
    recorded_at: datetime | None = Field(description="WSOP+ count time or the GFX hand's start")
    wsop_event_id: int | None = None
    gfx_hand_id: int | None = None


class LastHand(BaseModel):
    gfx_hand_id: int
    session_id: int
    hand_num: int
    started_at: datetime | None
    end_stack_amt: int


class HandData(BaseModel):
    hands_played: int
    last_hand: LastHand | None


class GfxPlayerRecord(BaseModel):
    id: int
    player_key: str
    name: str
    long_name: str
    name_key: str
    country_code: str | None
    hands_played: int
    first_seen_at: datetime
    last_seen_at: datetime


class WsopPlayerRecord(BaseModel):
    id: int
    wsop_player_id: str
    name: str
    name_key: str
    country_code: str | None
    hometown: str | None
    profile_image_url: str | None
    updated_at: datetime


class Override(BaseModel):
    id: int
    player_id: int
    field_name: str
    override_value: str
    original_value: str | None
    reason: str
    active: bool
    in_effect: bool = Field(description="active and inside its validity window now")
    valid_from: datetime | None
    valid_until: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class ProfileImage(BaseModel):
    id: int
    image_type: str
    file_path: str
    mime_type: str | None
    width: int | None
    height: int | None
    is_primary: bool
    uploaded_by: str
    created_at: datetime


LinkStatus = Literal["suggested", "confirmed", "rejected"]


class Link(BaseModel):
    id: int
    gfx_player_id: int
    wsop_player_id: int
    gfx_name: str
    wsop_name: str
    status: LinkStatus
    match_method: str
    match_confidence: float
    match_evidence: dict[str, Any]
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


class ManualRecord(BaseModel):
    """The person's own (manual) columns as stored; display_name is null when unset."""

    display_name: str | None
    name_korean: str | None
    bio: str | None
    notable_wins: list[dict[str, Any]]
    country_code: str | None
    profile_image: str | None


class PlayerSummary(BaseModel):
    id: int
    name: str
    name_korean: str | None
    country_code: str | None
    profile_image: str | None
    sources: dict[PlayerField, Source | None] = Field(
        description="where each field's value came from (null: no source has one)"
    )
    has_gfx: bool
    has_wsop: bool
    linked: bool = Field(description="has both a PokerGFX and a WSOP+ record")


class PlayerDetail(PlayerSummary):
    bio: str | None
    notable_wins: list[dict[str, Any]]
    chip_count: ChipCount | None
    hand_data: HandData | None
    manual: ManualRecord
    gfx_players: list[GfxPlayerRecord]
    wsop_players: list[WsopPlayerRecord]
    overrides: list[Override] = Field(description="active overrides (in effect or not yet)")
    images: list[ProfileImage]
    links: list[Link] = Field(description="links and suggestions touching this player")
    created_by: str
    created_at: datetime
    updated_at: datetime


class PlayerPage(BaseModel):
    items: list[PlayerSummary]
    next_before_id: int | None = Field(description="pass as before_id for the next page")


MatchKind = Literal["exact", "prefix", "word_prefix", "substring", "all_words"]


class SearchHit(PlayerSummary):
    match: MatchKind
    matched_name_key: str


class SearchResult(BaseModel):
    query_key: str = Field(description="the query as compared (case and accents folded)")
    items: list[SearchHit]


class OverridePage(BaseModel):
    items: list[Override]


class LinkPage(BaseModel):
    items: list[Link]
    next_before_id: int | None


class SuggestResult(BaseModel):
    created: int
    links: list[Link]


class LinkConfirmed(BaseModel):
    link: Link
    player: PlayerDetail
    merged_player_id: int | None = Field(
        description="the gfx player's former person, deleted after its data moved"
    )


PlayerSource = Literal["linked", "unlinked", "gfx", "wsop", "manual"]
