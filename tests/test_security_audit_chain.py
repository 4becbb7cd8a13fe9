"""The security audit log: what it records, its hash chain (`manage.py verify_audit`),
the database refusing changes, retention, and concurrent writers."""

import datetime as dt
import threading

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditAction, AuditAnchor, SecurityAudit, User
from accounts.tasks import prune_security_audit_task
from common import clock

pytestmark = pytest.mark.django_db


def actions():
    return list(SecurityAudit.objects.order_by("seq").values_list("action", flat=True))


def tamper(sql, params=()):
    """Change a row as a database superuser could, past the trigger."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def verify_exit_code(capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit")
    return exited.value.code, capsys.readouterr().err


# --- What is recorded -----------------------------------------------------------------


def test_logins_failures_and_logouts_are_recorded(client, bob):
    client.post(reverse("accounts:login"), {"username": "bob", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "bob", "password": "pw-for-tests-1"})
    client.post(reverse("accounts:logout"))
    rows = SecurityAudit.objects.filter(
        action__in=[AuditAction.LOGIN_FAILED, AuditAction.LOGIN, AuditAction.LOGOUT]
    ).order_by("seq")
    assert [(r.action, r.target) for r in rows] == [
        (AuditAction.LOGIN_FAILED, "username:bob"),
        (AuditAction.LOGIN, f"accounts.user:{bob.pk}"),
        (AuditAction.LOGOUT, f"accounts.user:{bob.pk}"),
    ]
    assert rows[0].ip == "127.0.0.1" and "password" not in str(rows[0].detail)


def test_role_activity_permission_and_password_changes_are_recorded(alice, bob):
    from django.contrib.auth.models import Group

    before = SecurityAudit.objects.count()
    bob.role = "staff"
    bob.is_active = False
    bob.save()
    bob.groups.add(Group.objects.create(name="g"))
    bob.set_password("Another-passw0rd!")
    bob.save()
    assert actions()[before:] == [
        AuditAction.ROLE_CHANGED,
        AuditAction.USER_LOCKED,
        AuditAction.PERMISSION_CHANGED,
        AuditAction.PASSWORD_RESET,  # no one signed in as bob changed it: a reset
    ]


def test_an_export_is_recorded_with_who_and_what(client, alice, session):
    client.force_login(alice)
    url = reverse("staff:report-export", args=["all"])
    response = client.get(url, {"session": session.pk})
    assert response.status_code == 200
    row = SecurityAudit.objects.filter(action=AuditAction.EXPORT).get()
    assert (row.actor_username, row.target) == ("alice", url)
    assert row.detail["query"] == f"session={session.pk}"


def test_a_public_export_is_recorded_too(client):
    response = client.get(reverse("public:export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert SecurityAudit.objects.filter(action=AuditAction.EXPORT, actor_id=None).exists()


def test_admin_actions_are_recorded(admin_user, bob):
    LogEntry.objects.log_actions(
        user_id=admin_user.pk, queryset=[bob], action_flag=CHANGE, change_message="改了"
    )
    row = SecurityAudit.objects.filter(action=AuditAction.ADMIN_ACTION).get()
    assert row.actor_username == "admin"
    ct = ContentType.objects.get_for_model(User)
    assert row.target == f"{ct.app_label}.{ct.model}:{bob.pk}"
    assert row.detail["flag"] == "change"


# --- The chain ------------------------------------------------------------------------


def test_each_row_hashes_the_previous_rows_hash_and_its_own_fields(alice, bob):
    rows = list(SecurityAudit.objects.order_by("seq"))
    assert len(rows) >= 2
    assert rows[0].prev_hash == audit.GENESIS
    for previous, row in zip(rows, rows[1:], strict=False):
        assert row.seq == previous.seq + 1
        assert row.prev_hash == previous.hash
    fields = {
        f: getattr(rows[1], f)
        for f in (
            "seq",
            "created_at",
            "action",
            "actor_id",
            "actor_username",
            "target",
            "ip",
            "detail",
        )
    }
    assert rows[1].hash == audit.row_hash(rows[0].hash, fields)


def test_verify_audit_passes_an_intact_chain(alice, bob, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_verify_audit_reports_the_first_tampered_row(alice, bob, dora, capsys):
    rows = list(SecurityAudit.objects.order_by("seq"))
    victim = rows[1]
    tamper(
        "UPDATE accounts_securityaudit SET actor_username = 'nobody' WHERE seq = %s",
        [victim.seq],
    )
    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"seq={victim.seq}" in err and "content" in err


def test_verify_audit_reports_a_removed_row(alice, bob, dora, capsys):
    victim = SecurityAudit.objects.order_by("seq")[1]
    tamper("DELETE FROM accounts_securityaudit WHERE seq = %s", [victim.seq])
    code, err = verify_exit_code(capsys)
    assert code == 1 and f"seq={victim.seq + 1}" in err


def test_the_database_refuses_to_change_or_delete_a_row(alice):
    row = SecurityAudit.objects.order_by("seq").first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        SecurityAudit.objects.filter(pk=row.pk).update(actor_username="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        SecurityAudit.objects.filter(pk=row.pk).delete()
    with pytest.raises(DatabaseError, match="retention job"), transaction.atomic():
        AuditAnchor.objects.create(pk=1, seq=5, hash="0" * 64, pruned_at=timezone.now())
    # Not even the retention job's setting opens a row younger than 180 days.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('jianyan.audit_prune', 'on', true)")
        SecurityAudit.objects.filter(pk=row.pk).delete()


# --- Retention ------------------------------------------------------------------------


def test_retention_prunes_old_rows_keeps_an_anchor_and_the_chain_still_verifies(settings, capsys):
    settings.AUDIT_RETENTION_DAYS = 180
    long_ago = timezone.now() - dt.timedelta(days=200)
    with clock.at(long_ago):
        for n in range(3):
            audit.record(AuditAction.LOGIN_FAILED, target=f"username:old{n}")
    audit.record(AuditAction.LOGIN_FAILED, target="username:recent")
    last_old = SecurityAudit.objects.order_by("seq")[2]

    assert prune_security_audit_task.delay().get() == 3
    anchor = AuditAnchor.objects.get()
    assert (anchor.seq, anchor.hash) == (last_old.seq, last_old.hash)
    assert list(SecurityAudit.objects.values_list("action", flat=True).order_by("seq")) == [
        AuditAction.LOGIN_FAILED,
        AuditAction.AUDIT_PRUNED,
    ]
    call_command("verify_audit")
    assert "intact: 2 rows" in capsys.readouterr().out
    assert prune_security_audit_task.delay().get() == 0  # twice: nothing more


def test_rows_younger_than_the_retention_stay(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    with clock.at(timezone.now() - dt.timedelta(days=200)):
        audit.record(AuditAction.LOGIN_FAILED, target="username:old")
    assert audit.prune() == 0
    settings.AUDIT_RETENTION_DAYS = 30  # below the floor: 180 still applies
    from accounts.audit.retention import retention_days

    assert retention_days() == 180


# --- Concurrent writers -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_one_line(capsys):
    errors = []
    start = threading.Barrier(4)

    def write(n):
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    audit.record(AuditAction.LOGIN_FAILED, target=f"username:t{n}-{i}")
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert SecurityAudit.objects.count() == 40
    assert list(SecurityAudit.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 41)
    )
    call_command("verify_audit")
    assert "intact: 40 rows" in capsys.readouterr().out
