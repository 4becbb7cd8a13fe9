"""Who may do what: the one vocabulary, role-only questions here.

Questions about an object (may this officer accept this assignment now?) are answered in
responses.policies, built on these; the imports go one way: accounts -> proposals ->
responses, never back. A question is answered with a Decision: true when allowed, and
when not, it carries the refusal the services raise (`enforce()`), PermissionDenied for
who the user is and TransitionError for the state the object is in. Services enforce
the decision; views and templates read the same functions as the object's available
actions (responses.policies.actions_for).

Roles (accounts.models.Role): staff and the system administrator see and do everything
in the workflow; an agency officer acts for their own agency only; a sponsor user for
themselves; the rest read the public portal.

The three administrators are kept apart (三员分立, GB/T 22239-2019 level 3): the system
administrator configures (users' details, rules, calendars), the security administrator
gives roles and permissions, resets passwords and second factors, locks and unlocks
accounts, and the audit administrator reads the audit log and changes nothing. An account
holds one role, so nobody is two of them; nobody changes their own role or resets their
own credentials through these doors; a superuser is a system administrator here, never
the security or audit one.

accounts.permissions guards the views and scopes the lookups with these. Which agency
or sponsor a user acts for is kept above accounts, and asked there:
responses.policies.agency_of / is_officer_of, proposals.policies.sponsor_of /
is_sponsor_self.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Decision:
    """Allowed (true), or refused with the exception that says why (false)."""

    refusal: Exception | None = None

    def __bool__(self) -> bool:
        return self.refusal is None

    def enforce(self) -> None:
        if self.refusal is not None:
            raise self.refusal


ALLOWED = Decision()


def refused(error: Exception) -> Decision:
    return Decision(error)


# --- What a user is ------------------------------------------------------------------
def is_staff(user) -> bool:
    """CPPCC staff or admin: every proposal, every action."""
    return bool(user and user.is_authenticated and user.is_staff_member)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    """System administrator (or a superuser): staff plus configuring users and rules."""
    from accounts.models import Role

    return _active(user) and (user.is_superuser or user.role == Role.SYSTEM_ADMIN)


is_system_admin = is_admin


def is_security_admin(user) -> bool:
    """Security administrator: roles, permissions, password and OTP resets, locks."""
    from accounts.models import Role

    return _active(user) and user.role == Role.SECURITY_ADMIN and not user.is_superuser


def is_audit_admin(user) -> bool:
    """Audit administrator: reads the audit logs, nothing else."""
    from accounts.models import Role

    return _active(user) and user.role == Role.AUDIT_ADMIN and not user.is_superuser


def is_officer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_officer)


def is_sponsor(user) -> bool:
    return bool(user and user.is_authenticated and user.is_sponsor_user)


# --- What a role may do ----------------------------------------------------------------
def may_act_as_staff(user, committee_id: int | None = None) -> Decision:
    """Every transition of the committee's own (register, assign, decide, publish...).
    `committee_id`: the committee the object belongs to; staff act in their own committee
    only (an installation-wide administrator, with none, in any)."""
    if not is_staff(user):
        return refused(PermissionDenied(_("只有提案委员会工作人员可以执行此操作。")))
    if not in_committee(user, committee_id):
        return refused(PermissionDenied(_("这项工作属于其他政协委员会，您不能处理。")))
    return ALLOWED


def is_staff_in(user, committee_id: int | None) -> bool:
    """Staff who work in that committee."""
    return is_staff(user) and in_committee(user, committee_id)


def in_committee(user, committee_id: int | None) -> bool:
    """Whether the user works in that committee: their own, or any for an
    installation-wide account (no committee of its own)."""
    own = getattr(user, "committee_id", None)
    return committee_id is None or own is None or own == committee_id


# --- The three administrators ------------------------------------------------------------
def may_read_audit(user) -> Decision:
    """The audit logs: the audit administrator only (not the system administrator, not a
    superuser: nobody both configures and audits)."""
    if is_audit_admin(user):
        return ALLOWED
    return refused(PermissionDenied(_("只有审计管理员可以查看审计日志。")))


def may_change_role(actor, target) -> Decision:
    """Roles, the admin flag, groups and permissions: the security administrator, on
    someone else's account."""
    if not is_security_admin(actor):
        return refused(PermissionDenied(_("只有安全管理员可以变更角色和权限。")))
    if target is not None and target.pk == actor.pk:
        return refused(PermissionDenied(_("不能变更自己的角色和权限。")))
    return ALLOWED


def may_manage_credentials(actor, target) -> Decision:
    """Password and second-factor resets, locking and unlocking: the security
    administrator, on someone else's account (their own password through the usual page)."""
    if not is_security_admin(actor):
        return refused(PermissionDenied(_("只有安全管理员可以重置密码、动态口令或停用账号。")))
    if target is not None and target.pk == actor.pk:
        return refused(PermissionDenied(_("不能重置或停用自己的账号。")))
    return ALLOWED


def may_configure_users(actor) -> Decision:
    """Creating accounts and editing their details: the system administrator (and staff,
    who keep the agencies' officers)."""
    if is_staff(actor):
        return ALLOWED
    return refused(PermissionDenied(_("只有系统管理员可以管理用户信息。")))
