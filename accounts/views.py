from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from accounts.policies import is_audit_admin, is_security_admin


def _first_reachable(*names: str) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("public:home")


@login_required
def after_login(request):
    """Send each role to its own start page."""
    user = request.user
    if is_audit_admin(user):
        return redirect(_first_reachable("audit:security", "public:home"))
    if is_security_admin(user):
        return redirect(_first_reachable("admin:accounts_user_changelist", "public:home"))
    if user.is_staff_member:
        return redirect(_first_reachable("staff:dashboard", "admin:index"))
    if user.is_officer:
        return redirect(_first_reachable("officer:dashboard"))
    if user.is_sponsor_user:
        return redirect(_first_reachable("members:my-proposals"))
    return redirect("public:home")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, with the e-mail's link built from settings.SITE_URL: the
    request's Host header is the sender's to choose, and a poisoned one would mail a
    real user a reset link to the attacker's site."""

    def form_valid(self, form):
        # The e-mail's context takes these last, over what Django derives from the request.
        site = urlsplit(settings.SITE_URL)
        self.extra_email_context = {
            **(self.extra_email_context or {}),
            "protocol": site.scheme,
            "domain": site.netloc,
            "site_name": site.netloc,
        }
        return super().form_valid(form)
