"""Shared fixtures of the Python module's tests: the source tree, the CLI binary (to compare
documents with), and fresh run stores."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

SOURCE = Path(os.environ.get("ENTENTE_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BIN = os.environ.get("ENTENTE_BIN", str(SOURCE / "build" / "entente"))
REFERENCE = SOURCE / "tests" / "data" / "reference"


def cli(*args: str, db: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Runs the entente binary with `args` (and --db when given); stdout as text."""
    argv = [BIN, *args] + (["--db", str(db)] if db is not None else [])
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr}")
    return result


def cli_json(*args: str, db: Path | None = None) -> dict:
    return json.loads(cli(*args, "--json", db=db).stdout)


@pytest.fixture
def source() -> Path:
    return SOURCE


@pytest.fixture
def reference() -> Path:
    return REFERENCE


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "python.db"


@pytest.fixture
def cli_db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


@pytest.fixture(scope="session")
def korea():
    import entente

    return entente.default_scenario()
