"""What each role may open: the views' guards and the lookups' scopes, built on the role
questions of accounts.policies (the one vocabulary; object questions in
responses.policies).

Roles (accounts.models.Role):
- staff and admin see and do everything;
- an agency officer sees only their agency's assignments, replies and files (and, as a
  lead agency, the joint opinions sent to it);
- a sponsor user sees their own proposals (as lead or co-sponsor), the confirmed replies
  to them, and records satisfaction with those replies;
- everyone, anonymous included, sees published proposals and public confirmed replies.

Views ask here through the decorators (`staff_required`, `officer_required`,
`sponsor_required`, `admin_required`, `audit_admin_required`) and the scoping
querysets (`visible_proposals`, `visible_assignments`, ...). A lookup outside the scope
is a 404, so guessing ids tells nothing. tests/test_permission_matrix.py checks every
URL for every role.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.policies import is_admin, is_audit_admin, is_officer, is_sponsor, is_staff


# --- Decorators ------------------------------------------------------------------------
def guard(test, message):
    """Anonymous visitors go to the login page; a logged-in user failing `test` gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_required(view):
    wrapper = guard(is_staff, _("只有提案委员会工作人员可以使用此页面。"))(view)
    wrapper.staff_only = True
    return wrapper


def admin_required(view):
    return guard(is_admin, _("只有系统管理员可以使用此页面。"))(view)


def audit_admin_required(view):
    """The audit logs: the audit administrator only (三员分立, accounts.policies)."""
    return guard(is_audit_admin, _("只有审计管理员可以查看审计日志。"))(view)


def officer_required(view):
    return guard(is_officer, _("只有承办单位联络员可以使用此页面。"))(view)


def sponsor_required(view):
    return guard(is_sponsor, _("只有提案人可以使用此页面。"))(view)
