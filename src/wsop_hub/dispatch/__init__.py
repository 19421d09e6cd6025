"""Job dispatch: outbox relay, stream consumer, claim/lease/heartbeat, reaper, sweeper, retries."""
