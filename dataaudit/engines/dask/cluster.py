"""The Dask cluster: a client connected to a scheduler, or a local cluster started for one command."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Any, Iterator

from ...errors import (
    UsageError,
    short_error,
)

__all__ = ["INSTALL_HINT", "import_dask", "cluster_client", "worker_count"]

INSTALL_HINT = "--engine dask needs the dask extra: pip install 'dataaudit[dask]'"


def import_dask() -> Any:
    """``distributed``, or a usage error naming the extra (exit 2) when it is not installed."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return distributed


@contextmanager
def cluster_client(scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler`` (an address), or to a local cluster of
    ``min(2, cores)`` single-threaded worker processes started here and closed at the end."""
    distributed = import_dask()
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot connect: {short_error(exc)}") from None
        try:
            yield client
        finally:
            client.close()
        return
    workers = min(2, os.cpu_count() or 1)
    # no dashboard; the scheduler's own HTTP server (health checks) on a free port, not on a busy 8787
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", scheduler_kwargs={"dashboard": False},
                                       silence_logs=logging.CRITICAL)  # a task's error is raised here, once
    try:
        with distributed.Client(cluster, set_as_default=False) as client:
            yield client
    finally:
        cluster.close()


def worker_count(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))
