"""Property-based fuzzing of the whole API from its OpenAPI schema: no input gives a 5xx.

Drives schemathesis's Hypothesis strategies directly (its pytest loader does not work with the
pinned pytest), one Hypothesis run per operation, against the WSGI application in-process, with
a real token of the test tenant so the cases reach the database code.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from omlob.audit.record import Actor
from omlob.organisations import actions
from omlob.organisations.models import Membership

EXAMPLES = 60


def _operations():
    from omlob.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly fires request_finished, which would close the database
    connection that holds the test transaction; Django's test client avoids that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("operation", _operations(), ids=lambda op: op.label)
def test_api_never_answers_5xx(world, operation, keep_test_connection):
    membership = Membership.objects.get(user=world.admin, organisation=world.nordby)
    token = actions.create_token(actor=Actor.system("test"), membership=membership, name="fuzz")[1]
    unit_ids = st.sampled_from([u.pk for u in world.units.values()])

    @given(case=operation.as_strategy(), real_org=st.booleans(), unit_id=unit_ids)
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case, real_org, unit_id):
        if real_org and case.path_parameters:
            # aim half of the cases at the real tenant and units so they pass the lookups
            case.path_parameters["org"] = "nordby"
            if "unit_id" in case.path_parameters:
                case.path_parameters["unit_id"] = unit_id
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
        )

    run()
