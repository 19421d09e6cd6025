import json
import logging

from wsop_hub.logging_setup import JsonFormatter


def test_json_lines_carry_message_level_and_extras() -> None:
    record = logging.makeLogRecord(
        {
            "name": "wsop_hub.reaper",
            "levelno": logging.WARNING,
            "levelname": "WARNING",
            "msg": "recovered %d jobs",
            "args": (3,),
            "job_id": 42,
        }
    )
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["msg"], line["job_id"]) == (
        "WARNING",
        "wsop_hub.reaper",
        "recovered 3 jobs",
        42,
    )
    assert line["ts"].endswith("+00:00")
