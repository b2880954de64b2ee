"""Where purchase data lives on disk, always scoped by organisation.

``DATA_DIR/uploads/organisation=<id>/<sha256>``   the files users uploaded, by content
``DATA_DIR/lines/organisation=<id>/batch-<id>.parquet``    the lines of a registered batch
``DATA_DIR/rejects/organisation=<id>/batch-<id>.parquet``  its quarantine and duplicates
``DATA_DIR/classified/organisation=<id>/batch-<id>.parquet`` its lines' classification
``DATA_DIR/models/organisation=<id>/text-model-v<n>.joblib``  an organisation's text model
``DATA_DIR/models/base/``                          the base text model, trained once
                                                   (``OMLOB_MODEL_CACHE`` moves it)
``DATA_DIR/work/job-<id>/``                        scratch space of a running import

The ``organisation=<id>`` folders make the files partitioned by organisation, so Spark or
DuckDB can read one tenant's lines without touching another's, and a path can never be built
without naming the organisation.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.conf import settings

CHUNK = 1024 * 1024


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def _org_dir(kind: str, organisation_id: int) -> Path:
    return data_dir() / kind / f"organisation={int(organisation_id)}"


def upload_path(organisation_id: int, sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("ugyldig filnøgle")
    return _org_dir("uploads", organisation_id) / sha256


def lines_path(organisation_id: int, batch_id: int) -> Path:
    return _org_dir("lines", organisation_id) / f"batch-{int(batch_id)}.parquet"


def rejects_path(organisation_id: int, batch_id: int) -> Path:
    return _org_dir("rejects", organisation_id) / f"batch-{int(batch_id)}.parquet"


def classified_path(organisation_id: int, batch_id: int) -> Path:
    return _org_dir("classified", organisation_id) / f"batch-{int(batch_id)}.parquet"


def model_path(organisation_id: int, version: int) -> Path:
    return _org_dir("models", organisation_id) / f"text-model-v{int(version)}.joblib"


def base_model_dir() -> Path:
    return Path(settings.MODEL_CACHE_DIR)


def work_dir(job_id: int) -> Path:
    return data_dir() / "work" / f"job-{int(job_id)}"


def relative(path: Path) -> str:
    return str(path.relative_to(data_dir()))


def absolute(relative_path: str) -> Path:
    path = (data_dir() / relative_path).resolve()
    if data_dir().resolve() not in path.parents:
        raise ValueError("stien ligger uden for datamappen")
    return path


class TooLarge(Exception):
    """The upload is over the configured limit."""


def store_stream(organisation_id: int, chunks: Iterable[bytes], limit: int) -> tuple[str, int]:
    """Write an upload to its content address; returns (sha256, size). Refuses over ``limit``."""
    folder = _org_dir("uploads", organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    tmp = folder / f".upload-{uuid.uuid4().hex}.tmp"
    try:
        with tmp.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        tmp.replace(upload_path(organisation_id, sha))
    finally:
        tmp.unlink(missing_ok=True)
    return sha, size


def store_file(organisation_id: int, handle: IO[bytes], limit: int) -> tuple[str, int]:
    """Store an open binary file (an uploaded file or one from the command line)."""
    return store_stream(organisation_id, iter(lambda: handle.read(CHUNK), b""), limit)


def remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
