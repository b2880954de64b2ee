"""Durable, atomic file writes: a reader sees the old file or the whole new one, never half."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["fsync_rename", "write_parquet_atomic"]


def fsync_rename(tmp: Path, final: Path) -> None:
    """Make the file durable, then give it its final name in one atomic step."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` as zstd Parquet to a temporary name, fsync, rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    fsync_rename(tmp, path)
