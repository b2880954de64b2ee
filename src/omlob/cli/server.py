"""``omlob serve`` (web server and worker together) and ``omlob worker``."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="start webserveren (og baggrundsarbejderen)")
    p.add_argument("--host", default=os.environ.get("OMLOB_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("OMLOB_PORT", "8000")))
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "2")),
        help="antal webserver-processer",
    )
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="start ikke baggrundsarbejderen (kør den selv med 'omlob worker')",
    )
    p.set_defaults(handler=serve)
    w = sub.add_parser("worker", help="kør baggrundsarbejderen (importer, beregninger)")
    w.add_argument("--interval", type=float, default=1.0, help="sekunder mellem opslag i køen")
    w.set_defaults(handler=worker)


def _demo_login() -> str:
    from omlob.organisations.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS
    from omlob.organisations.models import Membership

    if not Membership.objects.filter(
        organisation__slug=DEMO_SLUG, user__username=DEMO_USERS[0].username
    ).exists():
        return ""
    users = "\n".join(f"    {u.username:<28} {u.role}" for u in DEMO_USERS)
    return f"  Demo-login (adgangskode {DEMO_PASSWORD}):\n{users}\n"


def serve(args: argparse.Namespace) -> int:
    url = f"http://{args.host}:{args.port}/"
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "omlob.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
    ]
    processes = [subprocess.Popen(web)]  # noqa: S603 - our own interpreter and module
    if not args.no_worker:
        processes.append(subprocess.Popen([sys.executable, "-m", "omlob.cli", "worker"]))
    print(f"\n  Omløb kører på {url}  (stop med Ctrl+C)\n{_demo_login()}", flush=True)

    def stop(*_: Any) -> None:
        for proc in processes:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(proc.poll() is None for proc in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for proc in processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    # stopped by us (SIGTERM/SIGINT) is a clean exit; a process that died on its own is not
    failed = [
        p.returncode
        for p in processes
        if p.returncode not in (0, -signal.SIGTERM, -signal.SIGINT, None)
    ]
    return 1 if failed else 0


def worker(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("db_worker", interval=args.interval)
    return 0
