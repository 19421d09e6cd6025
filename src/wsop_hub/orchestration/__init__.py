"""Orchestration: what the hub decides on its own (anomaly detection, remediation, alerts)."""
