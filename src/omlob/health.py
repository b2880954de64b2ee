"""Health checks for operations: is the database reachable, is the worker taking jobs?"""

from __future__ import annotations

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django_tasks import task


@task()
def ping() -> str:
    """A job that does nothing but prove a worker is running."""
    return "pong"


def worker_alive(timeout: float = 30.0) -> bool:
    """Enqueue :func:`ping` and wait for a worker to run it."""
    result = ping.enqueue()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result.refresh()
        if result.is_finished:
            return result.return_value == "pong"
        time.sleep(0.2)
    return False


def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer or monitoring: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
