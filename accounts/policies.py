"""Who may do what: the one vocabulary, role-only questions here.

Questions about an object (may this officer accept this assignment now?) are answered in
responses.policies, built on these; the imports go one way: accounts -> proposals ->
responses, never back. A question is answered with a Decision: true when allowed, and
when not, it carries the refusal the services raise (`enforce()`), PermissionDenied for
who the user is and TransitionError for the state the object is in. Services enforce
the decision; views and templates read the same functions as the object's available
actions (responses.policies.actions_for).

Roles (accounts.models.Role): staff and admin see and do everything; an agency officer
acts for their own agency only; a sponsor user for themselves; the rest read the public
portal. accounts.permissions guards the views and scopes the lookups with these. Which
agency or sponsor a user acts for is kept above accounts, and asked there:
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


def is_admin(user) -> bool:
    """System administrator: staff plus the audit log and user administration."""
    from accounts.models import Role

    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.ADMIN)
    )


def is_officer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_officer)


def is_sponsor(user) -> bool:
    return bool(user and user.is_authenticated and user.is_sponsor_user)


# --- What a role may do ----------------------------------------------------------------
def may_act_as_staff(user) -> Decision:
    """Every transition of the committee's own (register, assign, decide, publish...)."""
    if is_staff(user):
        return ALLOWED
    return refused(PermissionDenied(_("只有提案委员会工作人员可以执行此操作。")))
