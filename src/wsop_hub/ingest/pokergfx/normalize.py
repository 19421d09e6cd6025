"""PokerGFX JSON export → :class:`ParsedSession` (source rfid).

Entry points :func:`parse_json_file` and :func:`parse_json_bytes`. Validation is done
by :mod:`.models`; what both sources share is in :mod:`.derive`. Every way a file can
be wrong ends in :class:`PokerGfxFormatError` naming the file, the hand (index and
HandNum), the player or event, and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from os import PathLike
from pathlib import Path, PurePath
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from wsop_hub.domain.enums import SourceType
from wsop_hub.ingest.pokergfx.derive import (
    EventInput,
    HandInput,
    HandProblem,
    SeatInput,
    build_hand,
    player_masters,
    select_versions,
)
from wsop_hub.ingest.pokergfx.errors import PokerGfxFormatError
from wsop_hub.ingest.pokergfx.levels import OBSERVED_LADDER, BlindLadder
from wsop_hub.ingest.pokergfx.models import GfxExport, GfxHand
from wsop_hub.ingest.pokergfx.session import (
    Blinds,
    EventType,
    ParsedHand,
    ParsedSession,
    TableType,
)

_GAME_ID_IN_NAME = re.compile(r"GameID=(\d{1,19})")
_BOM = b"\xef\xbb\xbf"


def parse_json_file(
    path: str | PathLike[str], *, blind_ladder: BlindLadder = OBSERVED_LADDER
) -> ParsedSession:
    """Read and parse one export file. OSError (missing, unreadable) is not caught:
    that is a problem with the file system, not with the file's content."""
    file_path = Path(path)
    return parse_json_bytes(
        file_path.read_bytes(), source_name=str(file_path), blind_ladder=blind_ladder
    )


def parse_json_bytes(
    data: bytes, *, source_name: str, blind_ladder: BlindLadder = OBSERVED_LADDER
) -> ParsedSession:
    """Parse the bytes of one export; ``source_name`` (the path or file name) is used in
    error messages and, when the JSON has no ``ID``, for its ``GameID=`` part."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        text = data.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PokerGfxFormatError(
            source_name, f"is not UTF-8 text (bad byte at offset {exc.start})"
        ) from None
    try:
        export = GfxExport.model_validate_json(text)
    except ValidationError as exc:
        raise _format_error(source_name, text, exc) from None

    game_id = export.id if export.id is not None else _game_id_from_name(source_name)
    built: list[ParsedHand] = []
    for index, hand in enumerate(export.hands):
        try:
            built.append(build_hand(_hand_input(game_id, hand), blind_ladder))
        except HandProblem as problem:
            where = f"hand #{index} (HandNum {hand.hand_num}), {problem.where}"
            raise PokerGfxFormatError(
                source_name, problem.problem, where=where, field=problem.field
            ) from None
    kept, superseded = select_versions(built)
    return ParsedSession(
        source=SourceType.RFID,
        source_name=source_name,
        file_sha256=sha256,
        game_id=game_id,
        table_type=_table_type(export.type),
        event_title=export.event_title,
        software_version=export.software_version,
        created_at=export.created_date_time_utc,
        payouts=tuple(export.payouts),
        hands=kept,
        superseded_hands=superseded,
        players=player_masters(kept),
        raw_json=text,
    )


def _game_id_from_name(source_name: str) -> int:
    match = _GAME_ID_IN_NAME.search(PurePath(source_name).name)
    if match is None or not 1 <= int(match.group(1)) < 2**63:
        raise PokerGfxFormatError(
            source_name,
            "has no session id: the JSON lacks ID and the file name has no GameID=<number>",
            field="ID",
        )
    return int(match.group(1))


def _table_type(value: str | None) -> TableType:
    """Known table types as such; anything else (or nothing) is UNKNOWN, not an error,
    because the hub does not compute with it."""
    try:
        return TableType((value or "").strip().upper())
    except ValueError:
        return TableType.UNKNOWN


def _seat(number: int) -> int | None:
    return number or None


def _hand_input(game_id: int, hand: GfxHand) -> HandInput:
    blinds = hand.flop_draw_blinds
    return HandInput(
        game_id=game_id,
        hand_num=hand.hand_num,
        started_at=hand.start_date_time_utc,
        duration=hand.duration.value,
        recording_offset_iso=(
            hand.recording_offset_start.text if hand.recording_offset_start else None
        ),
        recording_offset=hand.recording_offset_start.value if hand.recording_offset_start else None,
        blinds=Blinds(
            small_blind=blinds.small_blind_amt,
            big_blind=blinds.big_blind_amt,
            ante=hand.ante_amt,
            ante_type=blinds.ante_type,
            small_blind_seat=_seat(blinds.small_blind_player_num),
            big_blind_seat=_seat(blinds.big_blind_player_num),
            button_seat=_seat(blinds.button_player_num),
            third_blind=blinds.third_blind_amt,
            third_blind_seat=_seat(blinds.third_blind_player_num),
            reported_level=blinds.blind_level,
        ),
        seats=tuple(
            SeatInput(
                seat=player.player_num,
                name=player.name,
                long_name=player.long_name,
                start_stack=player.start_stack_amt,
                end_stack=player.end_stack_amt,
                hole_cards=player.hole_cards,
                sitting_out=player.sitting_out,
                elimination_rank=None if player.elimination_rank < 0 else player.elimination_rank,
                cumulative_winnings=player.cumulative_winnings_amt,
                blind_bet_straddle=player.blind_bet_straddle_amt,
                vpip_percent=player.vpip_percent,
                preflop_raise_percent=player.preflop_raise_percent,
                aggression_frequency_percent=player.aggression_frequency_percent,
                went_to_showdown_percent=player.went_to_showdown_percent,
            )
            for player in hand.players
        ),
        events=tuple(
            EventInput(
                type=event.event_type,
                seat=None if event.event_type is EventType.BOARD_CARD else _seat(event.player_num),
                bet_amount=event.bet_amt,
                pot_before=event.pot or None,
                board_card=event.board_cards if event.event_type is EventType.BOARD_CARD else None,
                board_num=event.board_num,
                num_cards_drawn=event.num_cards_drawn,
            )
            for event in hand.events
        ),
        game_variant=hand.game_variant,
        game_class=hand.game_class,
        bet_structure=hand.bet_structure,
        num_boards=hand.num_boards,
        run_it_num_times=hand.run_it_num_times,
        bomb_pot=hand.bomb_pot_amt,
        description=hand.description,
        stud_limits=hand.stud_limits,
    )


def _format_error(source_name: str, text: str, exc: ValidationError) -> PokerGfxFormatError:
    """The first problem pydantic found, located by hand number and seat, not by path."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    problem = first["msg"].removeprefix("Value error, ")
    if first["type"] == "json_invalid":
        return PokerGfxFormatError(source_name, f"is not valid JSON: {problem}")
    if len(errors) > 1:
        problem += f" (and {len(errors) - 1} more problem(s))"
    where, field = _locate(first, text)
    return PokerGfxFormatError(source_name, problem, where=where, field=field)


def _locate(error: ErrorDetails, text: str) -> tuple[str | None, str | None]:
    try:
        document: Any = json.loads(text)
    except (ValueError, RecursionError):
        document = None
    places: list[str] = []
    fields: list[str] = []
    node: Any = document
    container: str | None = None
    for part in error["loc"]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            places.append(_describe(container, part, node))
            fields = []
        else:
            container = part
            fields.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return (", ".join(places) or None), (".".join(fields) or None)


_LABELS = {
    "Hands": ("hand", "HandNum"),
    "Players": ("player", "PlayerNum"),
    "Events": ("event", "EventType"),
}


def _describe(container: str | None, index: int, node: Any) -> str:
    label, key = _LABELS.get(container or "", (container or "item", None))
    text = f"{label} #{index}"
    if key is not None and isinstance(node, dict) and key in node:
        text += f" ({key} {node[key]!r})" if key == "EventType" else f" ({key} {node[key]})"
    return text
