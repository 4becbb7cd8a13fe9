"""A database or media storage that is away answers a clean 503, in the visitor's language;
anything else that goes wrong stays an honest 500; the API answers JSON throughout.

The real outage (PostgreSQL restarted under gunicorn) is tests/test_faults_postgres.py;
here the error is raised where Django would raise it, to check each way in.
"""

import sqlite3

import psycopg
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError
from django.db import InterfaceError, OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse

from config import errors

pytestmark = pytest.mark.django_db


def wrapped(cause: Exception) -> OperationalError:
    """What Django raises: its own OperationalError, the driver's error as the cause."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (wrapped(psycopg.OperationalError("connection failed: Connection refused")), True),
        (wrapped(psycopg.errors.AdminShutdown("terminating connection")), True),
        (wrapped(psycopg.errors.CannotConnectNow("the database system is starting up")), True),
        (wrapped(psycopg.errors.TooManyConnections("too many clients")), True),
        (InterfaceError("connection already closed"), True),
        (wrapped(sqlite3.OperationalError("database is locked")), True),
        (wrapped(sqlite3.OperationalError("no such table: proposals_proposal")), False),
        (wrapped(psycopg.errors.QueryCanceled("statement timeout")), False),
        (ValueError("not a database error"), False),
    ],
)
def test_only_a_lost_or_refused_connection_counts_as_the_database_away(error, unavailable):
    assert errors.is_database_unavailable(error) is unavailable


def test_an_unreachable_bucket_counts_as_storage_away_but_bad_credentials_do_not():
    assert errors.is_storage_unavailable(EndpointConnectionError(endpoint_url="http://s3"))
    server_error = ClientError({"ResponseMetadata": {"HTTPStatusCode": 503}}, "GetObject")
    assert errors.is_storage_unavailable(server_error)
    denied = ClientError({"ResponseMetadata": {"HTTPStatusCode": 403}}, "GetObject")
    assert not errors.is_storage_unavailable(denied)
    assert not errors.is_storage_unavailable(NoCredentialsError())


@pytest.fixture
def database_away(client, bob, monkeypatch):
    """A signed-in officer (whose session is in the database); then every new cursor
    fails as psycopg fails when PostgreSQL is not listening."""
    client.force_login(bob)

    def refuse(*args, **kwargs):
        raise wrapped(psycopg.OperationalError("connection failed: Connection refused"))

    monkeypatch.setattr(connection, "ensure_connection", refuse)


def test_a_page_while_the_database_is_away_is_a_503_in_chinese(client, database_away):
    response = client.get(reverse("officer:dashboard"))

    assert response.status_code == 503
    page = response.content.decode()
    assert "服务暂时不可用" in page and "系统暂时无法访问数据库，请稍后再试。" in page
    assert '<html lang="zh-hans">' in page
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert "Traceback" not in page and "OperationalError" not in page


def test_the_503_page_is_english_for_an_english_visitor(client, database_away):
    response = client.get(reverse("officer:dashboard"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    page = response.content.decode()
    assert "Service temporarily unavailable" in page
    assert "The database cannot be reached just now. Please try again shortly." in page


def test_the_api_while_the_database_is_away_is_a_json_503(client, database_away):
    response = client.get(reverse("api:proposal-list"))

    assert response.status_code == 503
    assert response.json() == {"detail": "系统暂时无法访问数据库，请稍后再试。"}


def test_the_outage_is_logged_in_one_line(client, database_away, caplog):
    client.get(reverse("officer:dashboard"))

    lines = [r.getMessage() for r in caplog.records if r.name == "jianyan.errors"]
    assert lines == [
        "database unavailable, answered 503: GET /agency/ "
        "(OperationalError: connection failed: Connection refused)"
    ]


def test_an_error_raised_outside_a_view_reaches_the_500_handler_as_a_503():
    request = RequestFactory().get("/agency/")
    try:
        raise InterfaceError("connection already closed")
    except InterfaceError:
        response = errors.server_error(request)
    assert response.status_code == 503
    assert "系统暂时无法访问数据库" in response.content.decode()


def test_any_other_error_stays_a_500(client, monkeypatch):
    from django.contrib.auth import views as auth_views

    def broken(self, *args, **kwargs):
        raise wrapped(sqlite3.OperationalError("no such table: accounts_user"))

    monkeypatch.setattr(auth_views.LoginView, "get", broken)
    client.raise_request_exception = False

    response = client.get(reverse("accounts:login"))

    assert response.status_code == 500


def test_an_unknown_api_url_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
