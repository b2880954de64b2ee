"""Tenant isolation: every organisation URL and API endpoint, as every role and as an outsider.

The walk is driven by the URL configuration and the OpenAPI schema themselves, so a new page or
endpoint is covered (or makes this test fail until it is) without anyone remembering to add it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern

from omlob.audit.record import Actor
from omlob.organisations import actions
from omlob.organisations.models import ApiToken, Membership, OrgUnit
from omlob.organisations.roles import Role, role_can
from omlob.urls import organisation_patterns

ACTOR = Actor.system("test")
POST_ONLY = {
    "member-remove",
    "invitation-revoke",
    "token-revoke",
    "spend-batch-rerun",
    "spend-profile-delete",
    "classification-run",
    "classification-rule-delete",
}
ROLES = [Role.ADMIN, Role.PROCUREMENT, Role.UNIT_MANAGER, Role.VIEWER]


def _organisation_routes() -> list[tuple[str, str, Any]]:
    """(url name, route, view) of every page under /o/<org>/."""
    routes = []
    for pattern in organisation_patterns:
        assert isinstance(pattern, URLPattern), "nested includes: extend this walk"
        routes.append((pattern.name, str(pattern.pattern), pattern.callback))
    return routes


def _objects(world: Any, org: Any, user: Any = None) -> dict[str, Any]:
    """One object of each kind a URL can name by primary key, in ``org``.

    The member is never the last admin (removing them is refused); the token is ``user``'s own,
    since a member can only revoke their own tokens.
    """
    units = world.units if org == world.nordby else world.sydby_units
    member = (
        Membership.objects.filter(organisation=org).exclude(role=Role.ADMIN).first()
        or Membership.objects.filter(organisation=org).first()
    )
    owner = Membership.objects.filter(organisation=org, user=user).first() or member
    invitation, _ = actions.invite(
        actor=ACTOR, organisation=org, email=f"inv@{org.slug}.dk", role=Role.VIEWER
    )
    token, _ = actions.create_token(actor=ACTOR, membership=owner, name=f"nøgle {org.slug}")
    return {
        "unit": units["SOL"],
        "member": member,
        "invitation": invitation,
        "token": token,
        "module": "footprint",
        **_spend_objects(org),
        **_classification_objects(org),
    }


def _classification_objects(org: Any) -> dict[str, Any]:
    """A classification job and a user rule in ``org``."""
    from omlob.classification.models import ClassificationJob, Rule

    job = ClassificationJob.objects.filter(organisation=org).first()
    if job is None:
        job = ClassificationJob.objects.create(
            organisation=org, kind=ClassificationJob.Kind.CLASSIFY
        )
    rule = Rule.objects.filter(organisation=org).first()
    if rule is None:
        rule = Rule.objects.create(
            organisation=org, keywords=f"kaffe {org.slug}", unspsc="50201700"
        )
    return {"cjob": job, "rule": rule}


def _spend_objects(org: Any) -> dict[str, Any]:
    """A finished batch, a job waiting for its columns, and a mapping profile in ``org``."""
    from django.core.files.base import ContentFile

    from omlob.spend import actions as spend
    from omlob.spend.models import Batch, ImportJob, MappingProfile

    batch = Batch.objects.filter(organisation=org).first()
    if batch is None:
        data = (
            "Fakturadato;Leverandør;CVR-nr.;Varetekst;Beløb ekskl. moms\n"
            f"05-03-2025;{org.name} Leverandør;12345674;Kaffe;1.234,50\n"
            "06-03-2025;Kontor ApS;12345675;Papir;12,3,4\n"
        ).encode()
        job = spend.create_job(
            actor=ACTOR, org=org, uploads=[spend.Upload("eksport.csv", ContentFile(data))]
        )
        batch = Batch.objects.get(pk=spend.run_job(job.pk).pk)
    draft = ImportJob.objects.filter(organisation=org, status=ImportJob.Status.DRAFT).first()
    if draft is None:
        draft = spend.create_job(
            actor=ACTOR,
            org=org,
            uploads=[spend.Upload("ukendt.csv", ContentFile(f"A;B\n{org.pk};2\n".encode()))],
        )
    profile, _ = MappingProfile.objects.get_or_create(
        organisation=org, name=f"Profil {org.slug}", defaults={"mapping": {"net_amount": 1}}
    )
    return {"batch": batch, "job": draft, "profile": profile}


KIND_BY_NAME = {
    "unit-detail": "unit",
    "unit-edit": "unit",
    "member-edit": "member",
    "member-remove": "member",
    "invitation-revoke": "invitation",
    "token-revoke": "token",
    "spend-job": "job",
    "spend-job-status": "job",
    "spend-mapping": "job",
    "spend-batch": "batch",
    "spend-rejects-download": "batch",
    "spend-batch-delete": "batch",
    "spend-batch-rerun": "batch",
    "spend-profile-delete": "profile",
    "classification-job": "cjob",
    "classification-job-status": "cjob",
    "classification-rule-delete": "rule",
}


def _url(route: str, name: str, slug: str, objects: dict[str, Any]) -> str:
    path = "/o/" + slug + "/" + route
    if "<int:pk>" in route:
        path = path.replace("<int:pk>", str(objects[KIND_BY_NAME[name]].pk))
    if "<slug:key>" in route:
        path = path.replace("<slug:key>", objects["module"])
    path = path.replace("<int:index>", "0").replace("<str:fmt>", "csv")
    assert "<" not in path, f"walk does not know how to fill {route}"
    return path


def _call(client: Client, name: str, url: str) -> Any:
    return client.post(url) if name in POST_ONLY else client.get(url)


def _leaks(response: Any, world: Any) -> list[str]:
    body = response.content.decode("utf-8", "replace")
    secrets = ["Sydby Kommune", "Sydby Skole", "sven@sydby.dk", "S-SOL", "S-AS"]
    return [s for s in secrets if s in body]


def test_every_organisation_page_is_covered_by_the_walk():
    for name, route, _view in _organisation_routes():
        if "<int:pk>" in route:
            assert name in KIND_BY_NAME, f"add {name} to KIND_BY_NAME"


def test_every_organisation_view_declares_its_permission():
    for name, _route, view in _organisation_routes():
        assert hasattr(view, "required_permission"), f"{name} is not decorated with @requires"


def test_anonymous_visitors_are_sent_to_login(world, client):
    objects = _objects(world, world.nordby)
    for name, route, _view in _organisation_routes():
        response = _call(client, name, _url(route, name, "nordby", objects))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/konto/log-ind/"), name


def test_an_outsider_gets_404_on_every_page_of_another_organisation(world, client):
    objects = _objects(world, world.nordby)
    client.force_login(world.sven)
    for name, route, _view in _organisation_routes():
        response = _call(client, name, _url(route, name, "nordby", objects))
        assert response.status_code == 404, name
        assert "Nordby" not in response.content.decode(), name


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_own_pages_and_nothing_of_the_other_tenant(world, client, role):
    user = world.by_role(role)
    own = _objects(world, world.nordby, user)
    own["unit"] = world.units["SOLK"]  # inside Jens's subtree
    foreign = _objects(world, world.sydby)
    client.force_login(user)
    for name, route, view in _organisation_routes():
        allowed = role_can(role, view.required_permission)
        # 1. own organisation, own objects: allowed → 200/302, otherwise 403
        response = _call(client, name, _url(route, name, "nordby", own))
        if allowed:
            assert response.status_code in (200, 302), (name, response.status_code)
        else:
            assert response.status_code == 403, (name, response.status_code)
        assert not _leaks(response, world), (name, _leaks(response, world))
        # 2. own organisation's URL with another tenant's object ids: 404 (or 403 before lookup)
        if "<int:pk>" in route:
            response = _call(client, name, _url(route, name, "nordby", foreign))
            assert response.status_code in ((404,) if allowed else (403, 404)), name
            assert not _leaks(response, world), name
        # 3. the other organisation's URL: 404 always
        response = _call(client, name, _url(route, name, "sydby", foreign))
        assert response.status_code == 404, name
        assert not _leaks(response, world), name
        # objects may have been changed by a POST; recreate so the next page has them
        own.update({k: v for k, v in _objects(world, world.nordby, user).items() if k != "unit"})
        foreign = _objects(world, world.sydby)


def test_a_unit_manager_sees_only_their_subtree(world, client):
    client.force_login(world.jens)
    listing = client.get("/o/nordby/enheder/").content.decode()
    assert "Plejecenter Solhaven, køkken" in listing
    assert "Plejecenter Lindehøj" not in listing and "Nordby Skole" not in listing
    for code in ("SOL", "LIN", "SKO", "AS"):
        assert client.get(f"/o/nordby/enheder/{world.units[code].pk}/").status_code == 404
    assert client.get(f"/o/nordby/enheder/{world.units['SOLK'].pk}/").status_code == 200
    export = client.get("/o/nordby/enheder/eksport.csv").content.decode("utf-8-sig")
    assert "N-SOLK" in export and "N-SKO" not in export


# --- the API ----------------------------------------------------------------------------------


def _api_operations() -> list[tuple[str, str]]:
    from omlob.api.main import api

    schema = api.get_openapi_schema()
    return [
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    ]


def _api_path(path: str, slug: str, unit_id: int, ids: dict[str, int] | None = None) -> str:
    path = path.replace("{org}", slug).replace("{unit_id}", str(unit_id))
    for key, value in (ids or {}).items():
        path = path.replace("{" + key + "}", str(value))
    return path


def _api_ids(world: Any, org: Any) -> dict[str, int]:
    found = _spend_objects(org)
    classified = _classification_objects(org)
    return {
        "batch_id": found["batch"].pk,
        "job_id": found["job"].pk,
        "run_id": classified["cjob"].pk,
    }


def _token_for(user: Any, org: Any) -> str:
    membership = Membership.objects.get(user=user, organisation=org)
    return actions.create_token(actor=ACTOR, membership=membership, name="test")[1]


def _api_call(client: Client, method: str, path: str, token: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = {"code": "X-1", "name": "Ny enhed"}
    if method == "GET":
        return client.get(path, **headers)
    return client.generic(
        method, path, data=json.dumps(body), content_type="application/json", **headers
    )


def test_api_refuses_anonymous_requests(world, client):
    ids = _api_ids(world, world.nordby)
    for method, path in _api_operations():
        response = _api_call(
            client, method, _api_path(path, "nordby", world.units["SOL"].pk, ids), None
        )
        assert response.status_code == 401, (method, path)


def test_api_token_of_another_organisation_gets_404_and_no_data(world, client):
    token = _token_for(world.sven, world.sydby)
    ids = _api_ids(world, world.nordby)
    for method, path in _api_operations():
        if "{org}" not in path:
            continue
        response = _api_call(
            client, method, _api_path(path, "nordby", world.units["SOL"].pk, ids), token
        )
        assert response.status_code == 404, (method, path, response.status_code)
        assert (
            "Nordby" not in response.content.decode() and "N-SOL" not in response.content.decode()
        )
    # also with the other tenant's unit ids under its own organisation
    own = _token_for(world.admin, world.nordby)
    foreign_ids = _api_ids(world, world.sydby)
    for method, path in _api_operations():
        if not any(k in path for k in ("{unit_id}", "{batch_id}", "{job_id}", "{run_id}")):
            continue
        response = _api_call(
            client,
            method,
            _api_path(path, "nordby", world.sydby_units["SOL"].pk, foreign_ids),
            own,
        )
        assert response.status_code == 404, (method, path)


def test_api_listings_hold_only_the_tokens_organisation(world, client):
    token = _token_for(world.sven, world.sydby)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    orgs = client.get("/api/v1/organisations", **auth).json()
    assert [o["slug"] for o in orgs] == ["sydby"]
    me = client.get("/api/v1/me", **auth).json()
    assert [o["slug"] for o in me["organisations"]] == ["sydby"]
    units = client.get("/api/v1/organisations/sydby/units?limit=1000", **auth).json()
    assert units["count"] == OrgUnit.objects.filter(organisation=world.sydby).count()
    assert all(u["code"].startswith("S-") for u in units["items"])


@pytest.mark.parametrize("role", ROLES)
def test_api_roles(world, client, role):
    user = world.by_role(role)
    token = _token_for(user, world.nordby)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listing = client.get("/api/v1/organisations/nordby/units?limit=1000", **auth).json()
    codes = {u["code"] for u in listing["items"]}
    if role == Role.UNIT_MANAGER:
        assert codes == {"N-SOLK"}
        assert (
            client.get(
                f"/api/v1/organisations/nordby/units/{world.units['SOL'].pk}", **auth
            ).status_code
            == 404
        )
    else:
        assert codes == set(
            OrgUnit.objects.filter(organisation=world.nordby).values_list("code", flat=True)
        )
    created = client.post(
        "/api/v1/organisations/nordby/units",
        data={"code": "N-NY", "name": "Ny"},
        content_type="application/json",
        **auth,
    )
    expected = 201 if role in (Role.ADMIN, Role.PROCUREMENT) else 403
    assert created.status_code == expected, created.content


def test_revoked_and_expired_tokens_are_refused(world, client):
    from datetime import timedelta

    from django.utils import timezone

    membership = Membership.objects.get(user=world.lise, organisation=world.nordby)
    token, secret = actions.create_token(actor=ACTOR, membership=membership, name="x")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/me", **auth).status_code == 200
    actions.revoke_token(actor=ACTOR, token=token)
    assert client.get("/api/v1/me", **auth).status_code == 401
    token2, secret2 = actions.create_token(
        actor=ACTOR,
        membership=membership,
        name="y",
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret2}").status_code == 401
    assert ApiToken.objects.filter(pk=token2.pk).exists()
