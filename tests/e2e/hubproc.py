"""Run `./run up` as a real subprocess and wait on conditions with deadlines."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx

from tests.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]


def hub_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("DASHBOARD_PASSWORD", None)
    env.update(overrides)
    return env


class HubProcess:
    def __init__(
        self, env: dict[str, str], log_path: Path, args: tuple[str, ...] = ("up",)
    ) -> None:
        self.port = int(env["PORT"])
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [str(REPO / "run"), *args],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"hub exited with {self.process.returncode}:\n{self.output()}")
        try:
            return httpx.get(self.base_url + "/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout_s: float = 120) -> None:
        wait_for(self.ready, timeout_s, "/readyz")

    def stop(self, timeout_s: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(
                    f"hub did not stop within {timeout_s} s:\n{self.output()}"
                ) from None
        self._log.close()
        return self.process.returncode

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")
