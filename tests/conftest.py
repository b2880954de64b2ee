"""Shared fixtures: the personas of USER-STORIES.md in two municipalities.

"Nordby Kommune" is the tenant the tests act in: Mette (indkøber), Jens (køkkenleder of one
kitchen), Lise (læser) and Anne (admin). "Sydby Kommune" is the other tenant whose data must
never leak; Sven is its admin.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("OMLOB_VAR_DIR", str(Path(__file__).resolve().parents[1] / "var" / "test"))
# The base text model is trained once for the whole run (and its CLI subprocesses).
os.environ.setdefault(
    "OMLOB_MODEL_CACHE", str(Path(__file__).resolve().parents[1] / "var" / "test-models")
)

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PASSWORD = "korrekt-hest-batteri-42"


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path_factory: Any) -> None:
    """Each test writes purchase data (uploads, Parquet batches) to its own folder."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Two organisations with structure and members, as the tests' personas see them."""

    nordby: Any
    sydby: Any
    admin: Any
    mette: Any
    jens: Any
    lise: Any
    sven: Any
    units: dict[str, Any]
    sydby_units: dict[str, Any]

    def by_role(self, role: str) -> Any:
        """The Nordby persona holding ``role``."""
        return {
            "admin": self.admin,
            "procurement": self.mette,
            "unit_manager": self.jens,
            "viewer": self.lise,
        }[role]

    def membership(self, user: Any, org: Any | None = None) -> Any:
        from omlob.organisations.models import Membership

        return Membership.objects.get(user=user, organisation=org or self.nordby)


def make_user(username: str, name: str = "") -> Any:
    from django.contrib.auth import get_user_model

    first, _, last = name.partition(" ")
    return get_user_model().objects.create_user(
        username=username, email=username, password=PASSWORD, first_name=first, last_name=last
    )


def build_structure(org: Any, prefix: str) -> dict[str, Any]:
    """A small realistic tree: forvaltning → område → institutions incl. kitchens."""
    from omlob.audit.record import Actor
    from omlob.core.codes import make_gln
    from omlob.organisations import actions

    actor = Actor.system("test")
    digits = "1" if prefix == "N" else "2"
    units: dict[str, Any] = {}
    spec = [
        ("AS", "Ældre og Sundhed", "forvaltning", None),
        ("PLE", "Plejecentre", "omraade", "AS"),
        ("SOL", "Plejecenter Solhaven", "care_home", "PLE"),
        ("SOLK", "Plejecenter Solhaven, køkken", "kitchen", "SOL"),
        ("LIN", "Plejecenter Lindehøj", "care_home", "PLE"),
        ("BU", "Børn og Unge", "forvaltning", None),
        ("SKO", "Nordby Skole" if prefix == "N" else "Sydby Skole", "school", "BU"),
    ]
    for n, (code, name, kind, parent) in enumerate(spec, start=1):
        units[code] = actions.create_unit(
            actor=actor,
            organisation=org,
            code=f"{prefix}-{code}",
            name=name,
            kind=kind,
            parent=units[parent] if parent else None,
            eans=[make_gln(f"579800{digits}{n:05d}")]
            if kind not in {"forvaltning", "omraade"}
            else [],
            cost_centres=[f"{digits}{n:04d}"],
        )
    return units


@pytest.fixture
def world(db: Any) -> World:
    from omlob.audit.record import Actor
    from omlob.organisations import actions
    from omlob.organisations.roles import Role

    actor = Actor.system("test")
    nordby = actions.create_organisation(
        actor=actor, slug="nordby", name="Nordby Kommune", cvr="29189579", inhabitants=61_234
    )
    sydby = actions.create_organisation(actor=actor, slug="sydby", name="Sydby Kommune")
    units = build_structure(nordby, "N")
    sydby_units = build_structure(sydby, "S")
    admin = make_user("anne@nordby.dk", "Anne Admin")
    mette = make_user("mette@nordby.dk", "Mette Indkøber")
    jens = make_user("jens@nordby.dk", "Jens Køkkenleder")
    lise = make_user("lise@nordby.dk", "Lise Klimakoordinator")
    sven = make_user("sven@sydby.dk", "Sven Sydby")
    actions.add_member(actor=actor, organisation=nordby, user=admin, role=Role.ADMIN)
    actions.add_member(actor=actor, organisation=nordby, user=mette, role=Role.PROCUREMENT)
    actions.add_member(
        actor=actor, organisation=nordby, user=jens, role=Role.UNIT_MANAGER, unit=units["SOLK"]
    )
    actions.add_member(actor=actor, organisation=nordby, user=lise, role=Role.VIEWER)
    actions.add_member(actor=actor, organisation=sydby, user=sven, role=Role.ADMIN)
    return World(
        nordby=nordby,
        sydby=sydby,
        admin=admin,
        mette=mette,
        jens=jens,
        lise=lise,
        sven=sven,
        units=units,
        sydby_units=sydby_units,
    )
