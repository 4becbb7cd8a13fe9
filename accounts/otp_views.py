"""The second step of the login (a code from the app or a backup code), enrolment, and
new backup codes. A wrong code counts as a failed login for django-axes, so guessing
codes locks the account like guessing passwords."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import audit, otp
from accounts.models import AuditAction
from accounts.ratelimit import ratelimit


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("动态口令"),
        max_length=16,
        help_text=gettext_lazy("请输入身份验证器应用显示的 6 位数字，或一个备用码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:after-login")


def _failed(request, form):
    """A wrong code: audited, counted by axes, and the session ended once locked out."""
    user = request.user
    audit.record(AuditAction.OTP_FAILED, actor=user, target=f"accounts.user:{user.pk}")
    credentials = {"username": user.username, "second_factor": True}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return get_lockout_response(request, credentials=credentials)
    form.add_error("token", _("动态口令不正确或已过期，请重新输入。"))
    return None


@login_required
@ratelimit("login")
def verify(request):
    user = request.user
    if otp.is_verified(user):
        return redirect(_next_url(request))
    if not otp.has_device(user):
        return redirect(
            f"{reverse('accounts:otp-setup')}?{urlencode({'next': _next_url(request)})}"
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.verify(request, form.cleaned_data["token"])
        if device is not None:
            audit.record(
                AuditAction.OTP_VERIFIED,
                actor=user,
                target=f"accounts.user:{user.pk}",
                device=device.persistent_id.split("/")[0],
            )
            if device.persistent_id.startswith("otp_static"):
                left = otp.backup_codes_left(user)
                messages.warning(
                    request, _("您使用了一个备用码，还剩 %(count)d 个。") % {"count": left}
                )
            return redirect(_next_url(request))
        locked = _failed(request, form)
        if locked is not None:
            return locked
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
@ratelimit("login")
def setup(request):
    """Enrol an authenticator app: a QR code and the key, confirmed with one code. Who
    already has one must have passed it in this session to replace it."""
    user = request.user
    if otp.has_device(user) and not otp.is_verified(user):
        return redirect(
            f"{reverse('accounts:otp-verify')}?{urlencode({'next': _next_url(request)})}"
        )
    device = otp.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.confirm_enrolment(request, device, form.cleaned_data["token"])
        if codes is not None:
            audit.record(AuditAction.OTP_ENROLLED, actor=user, target=f"accounts.user:{user.pk}")
            return render(
                request,
                "registration/otp_backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        locked = _failed(request, form)
        if locked is not None:
            return locked
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr_svg": otp.qr_svg(device),
            "secret": otp.secret_of(device),
            "next": _next_url(request),
        },
    )


@login_required
@require_POST
def backup_codes(request):
    """New backup codes (the old ones stop working), for a verified session."""
    if not otp.is_verified(request.user):
        return redirect("accounts:otp-verify")
    codes = otp.new_backup_codes(request.user)
    audit.record(
        AuditAction.OTP_ENROLLED,
        actor=request.user,
        target=f"accounts.user:{request.user.pk}",
        backup_codes="renewed",
    )
    return render(
        request, "registration/otp_backup_codes.html", {"codes": codes, "next": _next_url(request)}
    )
