"""schemathesis against our own OpenAPI schema (/api/v1/schema/, drf-spectacular).

Every operation of the open-data API is called with generated parameters, valid and
invalid, through the project's real WSGI application in process, against a database
holding published and unpublished proposals, public and non-public replies. Every
response must not be a 5xx and must conform to the schema: documented status code,
content type, headers and body; invalid input must be refused with a 4xx and valid
input accepted.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from proposals.models import Category, Session, Sponsor, SponsorKind
from responses.models import Agency
from tests.factories import CategoryFactory, SponsorFactory
from tests.public_data import make_118, make_published

# Enough to reach every filter with edge values (huge and negative ids, long and odd
# strings); the whole file takes well under a minute on this machine.
EXAMPLES_PER_OPERATION = 150

# Loaded when the module is collected (serving the schema reads no table). The lazy
# `schemathesis.pytest.from_fixture` cannot be used: on pytest 9.2 it fails setting
# Node._nodeid.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)

# The filters whose value is the id of a row. The schema can say "an integer" but not
# "the id of an existing session": such a value is schema-valid, and the API answers it
# with a 400 naming the filter (tests/test_api_public.py), which the list page does too.
ID_FILTERS = {"session": Session, "category": Category, "sponsor": Sponsor, "agency": Agency}

# Ids of the rows api_data made, by query parameter (and "id": published and unpublished
# proposals). Random integers almost never name a row, so the hooks below swap in a real
# id half of the time: filters then match, and the detail of a published proposal with
# its reply and letter is validated against the schema, not only its 404.
KNOWN_IDS: dict[str, list[int]] = {}


def _sometimes_known(name: str, value):
    if KNOWN_IDS.get(name) and isinstance(value, int) and not isinstance(value, bool):
        return st.one_of(st.just(value), st.sampled_from(KNOWN_IDS[name]))
    return st.just(value)


@schema.hook
def flatmap_query(context, query):
    if not query:
        return st.just(query)
    chosen = {name: _sometimes_known(name, query[name]) for name in ID_FILTERS if name in query}
    return st.fixed_dictionaries(chosen).map(lambda values: {**query, **values})


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters or "id" not in path_parameters:
        return st.just(path_parameters)
    return _sometimes_known("id", path_parameters["id"]).map(
        lambda value: {**path_parameters, "id": value}
    )


def _names_no_row(model, value) -> bool:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return False
    return not model.objects.filter(pk=pk).exists()


def schema_valid_requests_are_accepted(ctx, response, case):
    """schemathesis' positive_data_acceptance, less the one 400 above: a schema-valid
    request must get a 2xx/3xx, a 404 (page past the end, no such proposal) or a 429;
    a 400 only when every rejected parameter is an id filter naming no row."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if 200 <= status < 400 or status in (404, 429):
        return None
    if status == 400:
        rejected = response.json()
        unknown_ids = {
            name
            for name in rejected
            if name in ID_FILTERS and _names_no_row(ID_FILTERS[name], (case.query or {}).get(name))
        }
        if rejected and set(rejected) == unknown_ids:
            return None
        raise AssertionError(f"schema-valid parameters rejected with 400: {rejected}")
    raise AssertionError(f"schema-valid request answered {status}")


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes the database connection around each request
    (close_old_connections), which would drop the test's transaction on PostgreSQL;
    Django's own test client unhooks it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(keep_test_connection, session, sponsor, agency, other_agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Off under pytest anyway; hundreds of calls from one address must not become 429s
    # when someone runs the suite with RATELIMIT_ENABLED=true in the environment.
    settings.RATELIMIT_ENABLED = False
    from portal.selectors import forget_cached

    forget_cached()
    culture = CategoryFactory(name="文化")
    member = SponsorFactory(name="孙委员", kind=SponsorKind.MEMBER)
    proposals = [
        make_118(session=session, sponsor=sponsor, agency=agency, assisting_agency=other_agency),
        make_published(
            title="关于昆曲传承的提案", category=culture, session=session, sponsor=member
        ),
        make_published(title="尚在办理的建议", session=session, agency=other_agency, reply=False),
        make_published(title="未公开的提案", session=session, agency=agency, published=False),
        make_published(
            title="答复不公开的提案", session=session, agency=agency, reply_public=False
        ),
    ]
    KNOWN_IDS.update(
        id=[proposal.pk for proposal in proposals],
        session=[session.pk],
        category=[culture.pk],
        sponsor=[sponsor.pk, member.pk],
        agency=[agency.pk, other_agency.pk],
    )
    yield
    KNOWN_IDS.clear()


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure here is reproducible
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_operation_answers_without_server_error_and_as_its_schema_says(api_data, case):
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance],
        additional_checks=[schema_valid_requests_are_accepted],
    )


# What schemathesis found, kept as plain cases so they never come back unnoticed.
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"year": "0.5"}, 400),  # NumberFilter took decimals for a whole-number year
        ({"year": "2025.0"}, 400),  # and IntegerField reads "2025.0" as 2025
        ({"year": "2025"}, 200),
        ({"page_size": "null"}, 400),  # DRF ignored a malformed page_size
        ({"page_size": "0"}, 400),
        ({"page_size": "1000"}, 200),  # capped at 100, as documented
        ({"kind": "", "session": "", "page": "", "page_size": ""}, 200),  # empty: not given
        ({"q": "苏州\x00"}, 400),  # NUL: Django refuses it, PostgreSQL could not take it
        ({"page": str(10**22)}, 404),  # OFFSET past a 64-bit integer was a 500
        ({"page": str(10**22), "sort": "-view_count"}, 404),
        ({"page": str(10**22), "q": "苏州"}, 404),
    ],
)
def test_edge_values_schemathesis_found_answer_as_documented(client, db, query, status):
    response = client.get("/api/v1/proposals/", query)

    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
