import pytest
from pydantic import ValidationError

from tests.factories import hand_in, instruction_in
from wsop_hub.domain.enums import HandRank
from wsop_hub.domain.models import MAX_LAYER_DATA_BYTES, OutputSettings


def test_hand_rank_order_puts_royal_flush_first() -> None:
    assert HandRank.ROYAL_FLUSH.strength == 10
    assert HandRank.HIGH_CARD.strength == 1
    assert HandRank.FOUR_OF_A_KIND.at_least(HandRank.FULL_HOUSE)
    assert not HandRank.FLUSH.at_least(HandRank.FULL_HOUSE)


@pytest.mark.parametrize("priority", [0, 11, -1])
def test_priority_outside_one_to_ten_is_rejected(priority: int) -> None:
    with pytest.raises(ValidationError, match="priority"):
        instruction_in(priority=priority)


def test_oversized_layer_data_is_rejected() -> None:
    with pytest.raises(ValidationError, match="layer_data is"):
        instruction_in(layer_data={"blob": "x" * (MAX_LAYER_DATA_BYTES + 1)})


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="extra"):
        instruction_in(colour="red")


def test_output_settings_defaults_are_broadcast_hd() -> None:
    settings = OutputSettings()
    assert (settings.width, settings.height, settings.fps) == (1920, 1080, 30.0)
    with pytest.raises(ValidationError):
        OutputSettings(fps=0)


def test_hand_needs_a_known_source() -> None:
    with pytest.raises(ValidationError, match="source"):
        hand_in(source="fax")
