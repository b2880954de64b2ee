"""Demo Kommune: a realistic, deterministic organisation to try Omløb on.

Six forvaltninger, their områder and about 80 institutions, among them 25 kitchens, each with a
valid EAN (GS1 check digit) and cost centres in the shape municipal charts of accounts use; plus
one demo user per role. Running it again changes nothing (the structure goes through the same
idempotent import as a user's file).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from omlob.audit.record import Actor
from omlob.core.codes import make_gln
from omlob.core.orgstructure import StructurePlan, UnitRow
from omlob.organisations import actions
from omlob.organisations.models import Organisation, OrgUnit
from omlob.organisations.roles import Role

DEMO_SLUG = "demo"
DEMO_PASSWORD = "omlob-demo-2026"  # noqa: S105 - a published demo password, printed on start

# (code, name, [(area code, area name, [(kind, institution name), ...]), ...])
_STRUCTURE: list[tuple[str, str, list[tuple[str, str, list[tuple[str, str]]]]]] = [
    (
        "BU",
        "Børn og Unge",
        [
            (
                "BU-SKO",
                "Skoleområdet",
                [
                    ("school", "Nordby Skole"),
                    ("school", "Søndervang Skole"),
                    ("school", "Engholm Skole"),
                    ("school", "Kirkebakken Skole"),
                    ("school", "Havnens Skole"),
                    ("school", "Lyngby Skole"),
                    ("kitchen", "Nordby Skole, skolekøkken"),
                    ("kitchen", "Engholm Skole, madskole"),
                    ("school", "Specialskolen Kastanjen"),
                    ("kitchen", "Søndervang Skole, skolekøkken"),
                    ("kitchen", "Lyngby Skole, kantine"),
                    ("school", "Frederiksdal Skole"),
                    ("school", "Ungdomsskolen"),
                ],
            ),
            (
                "BU-DAG",
                "Dagtilbudsområdet",
                [
                    ("daycare", "Børnehuset Mariehønen"),
                    ("daycare", "Vuggestuen Solsikken"),
                    ("daycare", "Børnehaven Troldehøj"),
                    ("daycare", "Integreret institution Skovly"),
                    ("daycare", "Børnehuset Regnbuen"),
                    ("daycare", "Naturbørnehaven Egebo"),
                    ("kitchen", "Børnehuset Mariehønen, køkken"),
                    ("kitchen", "Skovly, køkken"),
                    ("kitchen", "Regnbuen, køkken"),
                    ("kitchen", "Troldehøj, køkken"),
                    ("daycare", "Børnehuset Humlebien"),
                    ("daycare", "Dagplejen"),
                ],
            ),
        ],
    ),
    (
        "AS",
        "Ældre og Sundhed",
        [
            (
                "AS-PLE",
                "Plejecentre",
                [
                    ("care_home", "Plejecenter Solhaven"),
                    ("care_home", "Plejecenter Lindehøj"),
                    ("care_home", "Plejecenter Strandparken"),
                    ("care_home", "Plejecenter Bøgely"),
                    ("care_home", "Plejecenter Åbakken"),
                    ("kitchen", "Plejecenter Solhaven, køkken"),
                    ("kitchen", "Plejecenter Lindehøj, køkken"),
                    ("kitchen", "Plejecenter Strandparken, køkken"),
                    ("kitchen", "Plejecenter Bøgely, køkken"),
                    ("kitchen", "Plejecenter Åbakken, køkken"),
                    ("care_home", "Plejecenter Fjordly"),
                    ("kitchen", "Plejecenter Fjordly, køkken"),
                ],
            ),
            (
                "AS-MAD",
                "Madservice",
                [
                    ("kitchen", "Centralkøkkenet"),
                    ("kitchen", "Madservice, produktionskøkken Vest"),
                    ("office", "Visitation og madservice"),
                ],
            ),
            (
                "AS-SUN",
                "Sundhed og hjemmepleje",
                [
                    ("office", "Hjemmeplejen Nord"),
                    ("office", "Hjemmeplejen Syd"),
                    ("office", "Sygeplejen"),
                    ("other", "Genoptræningscentret"),
                    ("kitchen", "Genoptræningscentret, cafe"),
                ],
            ),
        ],
    ),
    (
        "TM",
        "Teknik og Miljø",
        [
            (
                "TM-DRI",
                "Drift og anlæg",
                [
                    ("other", "Vej og park"),
                    ("other", "Materielgården"),
                    ("other", "Genbrugspladsen"),
                    ("other", "Kommunale ejendomme"),
                    ("kitchen", "Materielgården, kantine"),
                ],
            ),
            (
                "TM-PLA",
                "Plan og byg",
                [
                    ("office", "Byggesag"),
                    ("office", "Natur og miljø"),
                    ("office", "Klima og bæredygtighed"),
                ],
            ),
        ],
    ),
    (
        "KF",
        "Kultur og Fritid",
        [
            (
                "KF-KUL",
                "Kultur",
                [
                    ("other", "Hovedbiblioteket"),
                    ("other", "Biblioteksfilialen Øst"),
                    ("other", "Musikskolen"),
                    ("other", "Kulturhuset"),
                    ("kitchen", "Kulturhuset, cafe"),
                ],
            ),
            (
                "KF-FRI",
                "Fritid",
                [
                    ("other", "Idrætscentret"),
                    ("other", "Svømmehallen"),
                    ("kitchen", "Idrætscentret, cafeteria"),
                    ("other", "Fritidscentret"),
                    ("other", "Skøjtehallen"),
                ],
            ),
        ],
    ),
    (
        "SB",
        "Social og Beskæftigelse",
        [
            (
                "SB-SOC",
                "Socialområdet",
                [
                    ("care_home", "Bostedet Lærkereden"),
                    ("care_home", "Bofællesskabet Poppelvej"),
                    ("kitchen", "Bostedet Lærkereden, køkken"),
                    ("other", "Aktivitetscentret Værkstedet"),
                    ("kitchen", "Værkstedet, køkken"),
                    ("care_home", "Botilbuddet Kløverengen"),
                    ("kitchen", "Kløverengen, køkken"),
                ],
            ),
            (
                "SB-JOB",
                "Jobcentret",
                [
                    ("office", "Jobcentret"),
                    ("office", "Ungeindsatsen"),
                    ("office", "Ydelsescentret"),
                    ("kitchen", "Jobcentret, kantine"),
                ],
            ),
        ],
    ),
    (
        "BA",
        "Borgerservice og Administration",
        [
            (
                "BA-ADM",
                "Administration",
                [
                    ("office", "Rådhuset"),
                    ("office", "Økonomi og indkøb"),
                    ("office", "HR og løn"),
                    ("office", "Digitalisering og IT"),
                    ("kitchen", "Rådhuskantinen"),
                ],
            ),
            (
                "BA-BOR",
                "Borgerservice",
                [
                    ("office", "Borgerservice"),
                    ("office", "Byrådssekretariatet"),
                ],
            ),
        ],
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    unit_name: str | None = None


DEMO_USERS = (
    DemoUser("admin@demo.omlob.dk", "Anne Admin", Role.ADMIN),
    DemoUser("mette@demo.omlob.dk", "Mette Indkøber", Role.PROCUREMENT),
    DemoUser(
        "jens@demo.omlob.dk", "Jens Køkkenleder", Role.UNIT_MANAGER, "Plejecenter Solhaven, køkken"
    ),
    DemoUser("lise@demo.omlob.dk", "Lise Klimakoordinator", Role.VIEWER),
)


def demo_rows() -> list[UnitRow]:
    """The Demo Kommune structure as import rows, parents before children."""
    rows: list[UnitRow] = []
    serial = 0

    def add(code: str, name: str, kind: str, parent: str | None) -> None:
        nonlocal serial
        serial += 1
        ean = make_gln(f"5798009{serial:05d}")
        cost_centre = f"{10000 + serial * 10}"
        rows.append(
            UnitRow(
                row=len(rows) + 2,
                code=code,
                name=name,
                kind=kind,
                parent_code=parent,
                eans=(ean,) if kind not in {"forvaltning", "omraade"} else (),
                cost_centres=(cost_centre,),
            )
        )

    for f_code, f_name, areas in _STRUCTURE:
        add(f_code, f_name, "forvaltning", None)
        for a_code, a_name, institutions in areas:
            add(a_code, a_name, "omraade", f_code)
            for number, (kind, name) in enumerate(institutions, start=1):
                add(f"{a_code}-{number:02d}", name, kind, a_code)
    return rows


@transaction.atomic
def create_demo() -> Organisation:
    """Create or refresh Demo Kommune and its demo users."""
    actor = Actor.system("demo")
    org = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if org is None:
        org = actions.create_organisation(
            actor=actor, slug=DEMO_SLUG, name="Demo Kommune", cvr="29189579", inhabitants=58_000
        )
    actions.import_structure(
        actor=actor,
        organisation=org,
        plan=StructurePlan(units=demo_rows(), errors=[]),
        filename="demo",
    )
    user_model = get_user_model()
    for demo in DEMO_USERS:
        user = user_model.objects.filter(username=demo.username).first()
        if user is None:
            first, _, last = demo.name.partition(" ")
            user = user_model.objects.create_user(
                username=demo.username,
                email=demo.username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
        unit = (
            OrgUnit.objects.get(organisation=org, name=demo.unit_name) if demo.unit_name else None
        )
        actions.add_member(actor=actor, organisation=org, user=user, role=demo.role, unit=unit)
    return org
