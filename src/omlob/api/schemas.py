"""Request and response shapes of the API (the OpenAPI schema is generated from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StringConstraints

# Text from clients may not contain NUL (PostgreSQL refuses it) and is bounded in length.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=200)]
Code = Annotated[
    str,
    StringConstraints(pattern=r"^[^\x00\s](?:[^\x00]*[^\x00\s])?$", min_length=1, max_length=64),
]
Gln = Annotated[str, StringConstraints(pattern=r"^[0-9]{13}$")]
MAX_ID = 2**63 - 1


class MembershipOut(Schema):
    slug: str
    name: str
    role: str


class MeOut(Schema):
    username: str
    name: str
    email: str
    organisations: list[MembershipOut]


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    cvr: str
    inhabitants: int | None
    unit_count: int
    role: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    parent_code: str | None
    depth: int
    active: bool
    eans: list[str]
    cost_centres: list[str]
    url: str


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitIn(Schema):
    code: Code
    name: Annotated[str, StringConstraints(pattern=r"^[^\x00]*\S[^\x00]*$", max_length=200)]
    kind: str = "institution"
    parent_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    eans: Annotated[list[Gln], Field(max_length=50)] = []
    cost_centres: Annotated[list[Code], Field(max_length=50)] = []


class UnitPatch(Schema):
    code: Code | None = None
    name: (
        Annotated[str, StringConstraints(pattern=r"^[^\x00]*\S[^\x00]*$", max_length=200)] | None
    ) = None
    kind: str | None = None
    parent_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    active: bool | None = None
    eans: Annotated[list[Gln], Field(max_length=50)] | None = None
    cost_centres: Annotated[list[Code], Field(max_length=50)] | None = None


class EventOut(Schema):
    at: datetime
    actor: str
    action: str
    changes: dict[str, Any]
    note: str


class ErrorOut(Schema):
    detail: str
