from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse


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
    if user.is_staff_member:
        return redirect(_first_reachable("staff:dashboard", "admin:index"))
    if user.is_officer:
        return redirect(_first_reachable("officer:dashboard"))
    if user.is_sponsor_user:
        return redirect(_first_reachable("members:my-proposals"))
    return redirect("public:home")
