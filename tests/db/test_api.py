"""The REST API: organisation and unit endpoints, errors, audit trail through a token."""

from __future__ import annotations

import json

import pytest

from omlob.audit.record import Actor, history_of
from omlob.core.codes import make_gln
from omlob.organisations import actions
from omlob.organisations.models import Membership, OrgUnit

ACTOR = Actor.system("test")


@pytest.fixture
def mette_api(world, client):
    membership = Membership.objects.get(user=world.mette, organisation=world.nordby)
    token = actions.create_token(actor=ACTOR, membership=membership, name="BI")[1]

    def call(method: str, path: str, body: dict | None = None):
        return client.generic(
            method,
            path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return call


def test_openapi_schema_is_served(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Omløb API"
    assert "/api/v1/organisations/{org}/units" in schema["paths"]
    assert any(
        "Bearer" in str(s) or s.get("scheme") == "bearer"
        for s in schema["components"]["securitySchemes"].values()
    )


def test_organisation_detail_counts_units(world, mette_api):
    data = mette_api("GET", "/api/v1/organisations/nordby").json()
    assert data == {
        "slug": "nordby",
        "name": "Nordby Kommune",
        "kind": "kommune",
        "cvr": "29189579",
        "inhabitants": 61234,
        "unit_count": 7,
        "role": "procurement",
    }


def test_units_filter_by_ean_cost_centre_kind_and_text(world, mette_api):
    ean = world.units["SOLK"].eans.get().ean
    by_ean = mette_api("GET", f"/api/v1/organisations/nordby/units?ean={ean}").json()
    assert [u["code"] for u in by_ean["items"]] == ["N-SOLK"]
    by_cc = mette_api("GET", "/api/v1/organisations/nordby/units?cost_centre=10004").json()
    assert [u["code"] for u in by_cc["items"]] == ["N-SOLK"]
    kitchens = mette_api("GET", "/api/v1/organisations/nordby/units?kind=kitchen").json()
    assert kitchens["count"] == 1
    text = mette_api("GET", "/api/v1/organisations/nordby/units?q=lindeh").json()
    assert [u["name"] for u in text["items"]] == ["Plejecenter Lindehøj"]
    page = mette_api("GET", "/api/v1/organisations/nordby/units?limit=2&offset=2").json()
    assert page["count"] == 7 and len(page["items"]) == 2


def test_create_update_and_history_through_the_api(world, mette_api):
    ean = make_gln("579800155555")
    created = mette_api(
        "POST",
        "/api/v1/organisations/nordby/units",
        {
            "code": "N-BOS",
            "name": "Bostedet Lærkereden",
            "kind": "care_home",
            "parent_id": world.units["AS"].pk,
            "eans": [ean],
            "cost_centres": ["17777"],
        },
    )
    assert created.status_code == 201, created.content
    unit = created.json()
    assert unit["parent_code"] == "N-AS" and unit["eans"] == [ean] and unit["depth"] == 1
    changed = mette_api(
        "PATCH",
        f"/api/v1/organisations/nordby/units/{unit['id']}",
        {"name": "Bostedet Lærkereden II", "cost_centres": []},
    )
    assert changed.status_code == 200
    assert changed.json()["cost_centres"] == [] and changed.json()["eans"] == [ean]
    history = mette_api("GET", f"/api/v1/organisations/nordby/units/{unit['id']}/history").json()
    assert [h["action"] for h in history] == ["updated", "created"]
    assert history[0]["actor"].startswith("mette@nordby.dk (API-nøgle omlob_")
    assert history[0]["changes"]["name"] == ["Bostedet Lærkereden", "Bostedet Lærkereden II"]
    assert history_of(OrgUnit.objects.get(pk=unit["id"])).count() == 2


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"code": "N-SOL", "name": "Dublet"}, "bruges allerede"),
        ({"code": "N-X", "name": "X", "kind": "rumskib"}, "Ukendt type"),
        ({"code": "N-X", "name": "X", "eans": ["5798000000002"]}, "kontrolciffer"),
        ({"code": "N-X", "name": "X", "parent_id": 999999}, "overordnede"),
    ],
)
def test_bad_unit_input_gets_422_with_a_clear_message(world, mette_api, body, fragment):
    response = mette_api("POST", "/api/v1/organisations/nordby/units", body)
    assert response.status_code == 422
    assert fragment in response.content.decode()
    assert not OrgUnit.objects.filter(organisation=world.nordby, code="N-X").exists()


def test_malformed_requests_are_422_not_500(world, mette_api):
    assert (
        mette_api("POST", "/api/v1/organisations/nordby/units", {"name": "uden kode"}).status_code
        == 422
    )
    assert mette_api("GET", "/api/v1/organisations/nordby/units?limit=0").status_code == 422
    assert mette_api(
        "GET", "/api/v1/organisations/nordby/units/99999999999999999999"
    ).status_code in (404, 422)
    assert mette_api("GET", "/api/v1/organisations/nordby/units?q=%00").status_code == 422


def test_moving_a_unit_under_itself_is_refused(world, mette_api):
    response = mette_api(
        "PATCH",
        f"/api/v1/organisations/nordby/units/{world.units['AS'].pk}",
        {"parent_id": world.units["SOLK"].pk},
    )
    assert response.status_code == 422
    assert "under sig selv" in response.json()["detail"]


def test_session_login_works_for_the_api(world, client):
    client.force_login(world.lise)
    assert client.get("/api/v1/me").json()["organisations"] == [
        {"slug": "nordby", "name": "Nordby Kommune", "role": "viewer"}
    ]
