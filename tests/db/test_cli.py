"""The ``omlob`` command: JSON output for scripts, one clear line and exit 2 on bad input."""

from __future__ import annotations

import json

import pytest

from omlob.cli import main
from omlob.core.codes import make_gln
from omlob.organisations.models import Membership, Organisation, OrgUnit


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_setup_is_safe_to_run_again(db, capsys):
    assert run(capsys, "setup", "--json")[0] == 0
    code, out, _ = run(capsys, "setup", "--json")
    assert code == 0 and json.loads(out)["database"] in ("sqlite3", "postgresql")


def test_org_create_list_and_units(db, capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "org",
        "create",
        "--slug",
        "hjorring",
        "--name",
        "Hjørring Kommune",
        "--cvr",
        "29189579",
        "--json",
    )
    assert code == 0 and json.loads(out)["slug"] == "hjorring"
    ean = make_gln("579800177777")
    path = tmp_path / "struktur.csv"
    path.write_bytes(
        (
            "Enhedskode;Navn;Type;Overordnet;EAN;Omkostningssted\n"
            "H-BU;Børn og Unge;forvaltning;;;\n"
            f"H-SKO;Hjørring Skole;skole;H-BU;{ean};7001\n"
        ).encode("cp1252")
    )
    code, out, _ = run(capsys, "org", "import-units", "--org", "hjorring", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {"imported": True, "created": 2, "updated": 0, "unchanged": 0}
    code, out, _ = run(capsys, "org", "import-units", "--org", "hjorring", str(path), "--json")
    assert json.loads(out)["unchanged"] == 2
    code, out, _ = run(capsys, "org", "list", "--json")
    assert {"slug": "hjorring", "units": 2}.items() <= next(
        o for o in json.loads(out) if o["slug"] == "hjorring"
    ).items()
    code, out, _ = run(capsys, "org", "units", "--org", "hjorring", "--json")
    units = json.loads(out)
    assert units[1] == {
        "code": "H-SKO",
        "name": "Hjørring Skole",
        "kind": "school",
        "parent": "H-BU",
        "active": True,
        "eans": [ean],
        "cost_centres": ["7001"],
    }
    code, out, _ = run(capsys, "org", "units", "--org", "hjorring")
    assert "  Hjørring Skole [H-SKO, Skole] EAN " + ean in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["org", "units", "--org", "findes-ikke"], "findes ikke"),
        (["org", "create", "--slug", "æøå kommune", "--name", "X"], "--slug"),
        (["org", "create", "--slug", "ok", "--name", "X", "--cvr", "12345678"], "CVR"),
        (["org", "import-units", "--org", "nordby", "/ingen/fil.csv"], "findes ikke"),
        (
            ["user", "add", "--org", "nordby", "--email", "ikke-en-mail", "--role", "viewer"],
            "e-mail",
        ),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(world, capsys, argv, fragment):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("omlob: fejl:") and err.count("\n") == 1
    assert fragment in err


def test_import_with_errors_lists_rows_and_imports_nothing(world, capsys, tmp_path):
    path = tmp_path / "fejl.csv"
    path.write_text("Enhedskode;Navn;Overordnet\nA;Enhed A;B\nB;Enhed B;A\nC;;\n", "utf-8")
    code, out, err = run(capsys, "org", "import-units", "--org", "nordby", str(path), "--json")
    assert code == 2 and "fejl; intet er importeret" in err
    report = json.loads(out)
    assert report["imported"] is False and {e["row"] for e in report["errors"]} >= {4}
    assert not OrgUnit.objects.filter(organisation=world.nordby, code__in=["A", "B", "C"]).exists()


def test_user_add_and_demo(db, capsys):
    code, out, _ = run(capsys, "demo", "--json")
    demo = json.loads(out)
    assert code == 0 and demo["organisation"] == "demo" and demo["units"] >= 80
    assert {u["role"] for u in demo["users"]} == {"admin", "procurement", "unit_manager", "viewer"}
    code, out, _ = run(
        capsys,
        "user",
        "add",
        "--org",
        "demo",
        "--email",
        "it@demo.dk",
        "--role",
        "unit_manager",
        "--unit",
        "BA-ADM-04",
        "--json",
    )
    added = json.loads(out)
    assert code == 0 and added["password"]
    membership = Membership.objects.get(user__username="it@demo.dk")
    assert membership.unit.name == "Digitalisering og IT"
    assert Organisation.objects.get(slug="demo").memberships.count() == 5


def test_check_passes(db, capsys):
    assert run(capsys, "check")[0] == 0
