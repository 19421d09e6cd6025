"""The procrastinate app and no-op task of the peer benchmark (see procrastinate_peer.py).

Its own module, as procrastinate asks (an App in __main__ is warned about): the workers load
it with `python -m procrastinate --app=procrastinate_peer_app.app worker`, their database given
by PROCRASTINATE_PEER_DSN; the driver imports it and swaps in its own connector.
"""

from __future__ import annotations

import os
import time

import procrastinate

TASK_NAME = "bench_noop"

# The connector opens nothing until the app is opened, so importing this module without
# PROCRASTINATE_PEER_DSN (as the driver does) is harmless.
app = procrastinate.App(
    connector=procrastinate.PsycopgConnector(conninfo=os.environ.get("PROCRASTINATE_PEER_DSN", "")),
)


@app.task(name=TASK_NAME, pass_context=True)
async def bench_noop(context: procrastinate.JobContext, enqueued_at: float, seq: int) -> None:
    """The no-op job: note when it started running, in a table of the benchmark's database."""
    started_at = time.time()
    await context.app.connector.execute_query_async(
        "INSERT INTO bench_results (job_id, seq, enqueued_at, started_at) "
        "VALUES (%(job_id)s, %(seq)s, %(enqueued_at)s, %(started_at)s)",
        job_id=context.job.id,
        seq=seq,
        enqueued_at=enqueued_at,
        started_at=started_at,
    )
