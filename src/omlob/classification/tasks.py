"""Background jobs of classification, run by ``omlob worker``."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def run_classification_task(job_id: int) -> dict[str, Any]:
    """Run a queued classification job; progress is on the job row, the page polls it."""
    from omlob.classification.actions import run_job

    job = run_job(job_id)
    return {"status": job.status, "result": job.result, "message": job.message}
