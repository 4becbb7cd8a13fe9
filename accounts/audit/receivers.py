"""What is recorded without anyone calling `record`: sign-ins, failures and sign-outs
(django.contrib.auth's signals), changes to an account's role, admin flag, activity and
password (the User row's saves), to groups and permissions (m2m changes), and every
admin action (django.contrib.admin's LogEntry)."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_init, post_save
from django.dispatch import receiver

from accounts.audit.recording import current_request, record
from accounts.models import AuditAction, User

WATCHED = ("role", "is_active", "is_staff", "is_superuser")


def _target(user) -> str:
    return f"accounts.user:{user.pk}"


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    from accounts.middleware import mark_signed_in

    if request is not None and hasattr(request, "session"):
        mark_signed_in(request)
    record(AuditAction.LOGIN, actor=user, target=_target(user), request=request)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "jianyan_logout_reason", None)
    action = AuditAction.SESSION_TIMEOUT if reason else AuditAction.LOGOUT
    extra = {"reason": reason} if reason else {}
    record(action, actor=user, target=_target(user), request=request, **extra)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    if credentials.get("second_factor"):
        return  # recorded as otp_failed by accounts.otp_views
    username = str(credentials.get("username", ""))[:150]
    record(
        AuditAction.LOGIN_FAILED, target=f"username:{username}", request=request, username=username
    )


@receiver(post_init, sender=User)
def remember_loaded(sender, instance, **kwargs):
    instance._audit_loaded = {name: instance.__dict__.get(name) for name in WATCHED}


@receiver(post_save, sender=User)
def account_saved(sender, instance, created, **kwargs):
    if kwargs.get("raw"):
        return
    before = getattr(instance, "_audit_loaded", {})
    after = {name: getattr(instance, name) for name in WATCHED}
    target = _target(instance)
    if created:
        record(
            AuditAction.USER_CREATED, target=target, username=instance.username, role=instance.role
        )
    else:
        if before.get("role") != after["role"]:
            record(
                AuditAction.ROLE_CHANGED,
                target=target,
                before=before.get("role"),
                after=after["role"],
            )
        if before.get("is_active") != after["is_active"]:
            action = AuditAction.USER_UNLOCKED if after["is_active"] else AuditAction.USER_LOCKED
            record(action, target=target)
        for flag in ("is_staff", "is_superuser"):
            if before.get(flag) != after[flag]:
                record(AuditAction.PERMISSION_CHANGED, target=target, field=flag, after=after[flag])
        if instance._password is not None:
            request = current_request()
            actor = getattr(request, "user", None)
            own = actor is not None and getattr(actor, "pk", None) == instance.pk
            anonymous_reset = actor is None or not actor.is_authenticated
            action = AuditAction.PASSWORD_CHANGED if own else AuditAction.PASSWORD_RESET
            record(action, target=target, via="reset-link" if anonymous_reset else "")
    instance._audit_loaded = after


def _m2m(field):
    def changed(sender, instance, action, pk_set, model, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        label = instance._meta.label_lower
        record(
            AuditAction.PERMISSION_CHANGED,
            target=f"{label}:{instance.pk}",
            field=field,
            change=action.removeprefix("post_"),
            ids=sorted(pk_set or ()),
        )

    return changed


_groups = _m2m("groups")
_user_permissions = _m2m("user_permissions")
_group_permissions = _m2m("permissions")
m2m_changed.connect(_groups, sender=User.groups.through, weak=False)
m2m_changed.connect(_user_permissions, sender=User.user_permissions.through, weak=False)
m2m_changed.connect(_group_permissions, sender=Group.permissions.through, weak=False)


@receiver(post_save, sender=LogEntry)
def admin_action(sender, instance, created, **kwargs):
    if not created:
        return
    record(
        AuditAction.ADMIN_ACTION,
        actor=instance.user,
        target=f"{instance.content_type.app_label}.{instance.content_type.model}:{instance.object_id}"
        if instance.content_type_id
        else "",
        flag={1: "add", 2: "change", 3: "delete"}.get(
            instance.action_flag, str(instance.action_flag)
        ),
        object=str(instance.object_repr)[:200],
        message=instance.get_change_message()[:1000],
    )
