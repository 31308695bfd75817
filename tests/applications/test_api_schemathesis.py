"""Property-based run of the API against its OpenAPI schema: no server error, no response outside it."""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import negative_data_rejection

from config.wsgi import application as wsgi_application

# The schema as /api/schema/ serves it (to signed-in users only), generated here at import, before any
# user exists; the calls go to the WSGI application.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = wsgi_application


@pytest.fixture
def officer_token(db, make_application, civil_officer):
    from applications.models import State

    make_application(State.REFERRED)
    make_application(State.REFERRED)
    return Token.objects.create(user=civil_officer).key


@schema.parametrize()
@pytest.mark.django_db(transaction=True)
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, officer_token):
    # Every check runs except "schema-violating request rejected": like most HTTP APIs this one ignores
    # unknown query parameters instead of answering 400 to them.
    case.call_and_validate(
        headers={"Authorization": f"Token {officer_token}"}, excluded_checks=[negative_data_rejection]
    )
