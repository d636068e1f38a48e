"""Preparing prometheus-client's multiprocess mode before uvicorn starts several workers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from inventory.operations.observability.metrics import MULTIPROCESS_ENV


def prepare_multiprocess_metrics(data_dir: Path) -> Path:
    """An empty directory for the workers' metric files, named in the environment the workers inherit.

    Must run before any worker imports prometheus-client; files of an earlier run are removed so
    counters start from zero with the server, as Prometheus expects of a restart.
    """
    configured = os.environ.get(MULTIPROCESS_ENV)
    directory = Path(configured) if configured else data_dir.resolve() / "metrics"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, mode=0o700)
    os.environ[MULTIPROCESS_ENV] = str(directory)
    return directory
