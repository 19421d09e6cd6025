"""Which events each WebSocket channel carries."""

from __future__ import annotations

from wsop_hub.api.realtime import EventFanout, Subscriber, event_in_channel, valid_channel


def test_channel_names() -> None:
    assert valid_channel("render-progress") and valid_channel("broadcast-638962090875783819")
    assert not valid_channel("broadcast-") and not valid_channel("broadcast-abc")
    assert not valid_channel("everything")


def test_broadcast_channel_carries_its_session_only() -> None:
    hand = {"type": "hand_created", "data": {"session_id": 638962090875783819, "hand_id": 5}}
    assert event_in_channel(hand, "broadcast-638962090875783819")
    assert not event_in_channel(hand, "broadcast-1")
    assert event_in_channel(hand, "sync-status")
    assert not event_in_channel({"type": "alert", "data": {}}, "broadcast-1")


def test_types_and_channels_both_filter() -> None:
    subscriber = Subscriber(types=frozenset({"alert"}), channels={"notifications"})
    assert subscriber.wants({"type": "alert", "data": {}})
    assert not subscriber.wants({"type": "notification", "data": {}})
    everything = Subscriber(types=None)
    assert everything.wants({"type": "anything", "data": {}})


def test_a_client_that_falls_behind_is_dropped_without_holding_others() -> None:
    fanout = EventFanout("postgresql://unused/db")
    slow = fanout.subscribe()
    fast = fanout.subscribe(channels={"notifications"})
    for n in range(slow.queue.maxsize + 1):
        fanout.publish({"id": n, "type": "alert", "data": {}})
        if not fast.queue.empty():
            fast.queue.get_nowait()
    assert slow.dropped.is_set() and fanout.client_count == 1
    assert not fast.dropped.is_set()
