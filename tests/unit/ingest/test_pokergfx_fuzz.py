"""Property tests: mutated and truncated real exports either parse or raise
PokerGfxFormatError — never another exception — and what parses is consistent."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.ingest.pokergfx_data import data_file
from wsop_hub.ingest.pokergfx import (
    ParsedSession,
    PokerGfxFormatError,
    grade_hand,
    parse_json_bytes,
    parse_txt_bytes,
)

JSON_SAMPLES = [
    data_file("samples/gfx_sample_1.json").read_bytes(),
    data_file("samples/gfx_sample_3_allin_showdown_hand.json").read_bytes(),
]
JSON_DOCUMENTS = [json.loads(sample) for sample in JSON_SAMPLES]
TXT_SAMPLES = [
    data_file("table-GG/1019/PGFX_live_data_export.txt").read_bytes(),
    data_file("table-GG/1017/PGFX_live_data_export.txt").read_bytes(),
]

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(
        ["", "as", "10d", "qh qc", "PT1M2.5S", "BOARD CARD", "ALL IN", "2025-10-18T12:00:00Z"]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _check_consistent(sessions: tuple[ParsedSession, ...]) -> None:
    for session in sessions:
        numbers = [hand.hand_num for hand in session.hands]
        assert numbers == sorted(set(numbers))
        for hand in session.hands:
            seats = {player.seat for player in hand.players}
            assert set(hand.winners) <= seats
            assert hand.final_pot >= 0
            assert len(hand.board) <= 5
            grade_hand(hand)


def _parse_json(data: bytes) -> None:
    try:
        session = parse_json_bytes(data, source_name="fuzz.json")
    except PokerGfxFormatError as error:
        assert str(error).startswith("fuzz.json")
        return
    _check_consistent((session,))


def _parse_txt(data: bytes) -> None:
    try:
        sessions = parse_txt_bytes(data, source_name="fuzz.txt")
    except PokerGfxFormatError as error:
        assert str(error).startswith("fuzz.txt")
        return
    _check_consistent(sessions)


@FUZZ
@given(sample=st.sampled_from(JSON_SAMPLES), data=st.data())
def test_truncated_json_is_rejected_cleanly(sample: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    _parse_json(sample[:cut])


@FUZZ
@given(
    sample=st.sampled_from(JSON_SAMPLES),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(max_size=3)), min_size=1, max_size=4
    ),
)
def test_byte_mutated_json_is_rejected_cleanly(
    sample: bytes, edits: list[tuple[float, bytes]]
) -> None:
    mutated = bytearray(sample)
    for where, replacement in edits:
        position = int(where * len(mutated))
        mutated[position : position + len(replacement)] = replacement
    _parse_json(bytes(mutated))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def mutate_structure(document: Any, data: st.DataObject, *, edits: int) -> None:
    """Delete keys of, or put arbitrary JSON values into, `edits` random places."""
    for _ in range(edits):
        paths = _paths(document)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values)


@FUZZ
@given(document_index=st.sampled_from(range(len(JSON_DOCUMENTS))), data=st.data())
def test_structurally_mutated_json_parses_or_is_rejected(
    document_index: int, data: st.DataObject
) -> None:
    document = copy.deepcopy(JSON_DOCUMENTS[document_index])
    mutate_structure(document, data, edits=data.draw(st.integers(min_value=1, max_value=3)))
    _parse_json(json.dumps(document).encode())


@FUZZ
@given(sample=st.sampled_from(TXT_SAMPLES), data=st.data())
def test_truncated_txt_is_rejected_cleanly(sample: bytes, data: st.DataObject) -> None:
    _parse_txt(sample[: data.draw(st.integers(min_value=0, max_value=len(sample)))])


@FUZZ
@given(sample=st.sampled_from(TXT_SAMPLES), data=st.data())
def test_field_mutated_txt_parses_or_is_rejected(sample: bytes, data: st.DataObject) -> None:
    lines = sample.decode().split("\n")
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        fields = lines[index].split(",")
        slot = data.draw(st.integers(min_value=0, max_value=len(fields)))
        value = data.draw(
            st.text(max_size=8)
            | st.integers(min_value=-(2**70), max_value=2**70).map(str)
            | st.sampled_from(
                ["", "HAND", "PLAYER", "EVENT", "BOARD", "RAISE TO", "as", "10d 9d", "GAME"]
            )
        )
        if slot == len(fields):
            fields.append(value)
        else:
            fields[slot] = value
        lines[index] = ",".join(fields)
    _parse_txt("\n".join(lines).encode())


@FUZZ
@given(
    sample=st.sampled_from(TXT_SAMPLES),
    noise=st.binary(min_size=1, max_size=8),
    where=st.floats(0, 1),
)
def test_byte_mutated_txt_is_rejected_cleanly(sample: bytes, noise: bytes, where: float) -> None:
    position = int(where * len(sample))
    _parse_txt(sample[:position] + noise + sample[position + len(noise) :])
