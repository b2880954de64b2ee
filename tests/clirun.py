"""Run the ``omlob`` command in a child process against its own SQLite database and data folder,
as an operator would; shared by the operations and import tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        {
            "OMLOB_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'omlob.sqlite3'}",
            **extra,
        }
    )
    return env


def omlob(
    *args: str, env: dict[str, str], timeout: float = 180, stdin: str | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "omlob.cli", *args],
        env=env,
        cwd=PROJECT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
