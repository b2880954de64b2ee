"""The ``omlob`` console command: set-up, organisations, demo data, web server and worker.

Each subcommand lives in its own module and registers itself in :data:`COMMANDS`. Errors in the
user's input end the command with one clear line on stderr and exit code 2; ``--json`` gives
machine-readable output for scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

EXIT_USAGE = 2


class CliError(Exception):
    """A problem with the user's input, reported as one line."""


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON with --json, else ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def system_actor() -> Any:
    """Who the audit trail names for a change made on the command line."""
    import getpass

    from omlob.audit.record import Actor

    return Actor.system(f"kommandolinje ({getpass.getuser()})")


def organisation(slug: str) -> Any:
    """The organisation ``slug`` or a CliError listing the known ones."""
    from omlob.organisations.models import Organisation

    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "ingen"
        raise CliError(f"organisationen '{slug}' findes ikke (kendte: {known})")
    return org


class ProgressBar:
    """A terminal progress bar (tqdm) fed with a job's stage and fraction."""

    def __init__(self, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=100,
                unit="%",
                file=sys.stderr,
                leave=False,
                bar_format="{desc} {bar} {percentage:3.0f}% [{elapsed}]",
            )

    def __call__(self, stage: str, fraction: float) -> None:
        if self.bar is None:
            return
        self.bar.set_description_str(stage[:40].ljust(40))
        self.bar.n = round(fraction * 100, 1)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omlob.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    from omlob.cli import classify, demo, imports, organisations, server, setup

    parser = argparse.ArgumentParser(
        prog="omlob",
        description="Omløb: grønne og cirkulære indkøb for kommuner. "
        "Indstillinger læses fra miljøet (DATABASE_URL, OMLOB_DATA_DIR, SECRET_KEY …).",
    )
    from omlob import __version__

    parser.add_argument("--version", action="version", version=f"omlob {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)
    for module in (setup, organisations, imports, classify, demo, server):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int | None] = args.handler
    if getattr(args, "needs_django", True):
        _setup_django()
    from django.core.exceptions import ValidationError
    from django.core.management import CommandError

    try:
        return handler(args) or 0
    except (CliError, CommandError) as exc:
        print(f"omlob: fejl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as exc:
        print(f"omlob: fejl: {' '.join(exc.messages)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
