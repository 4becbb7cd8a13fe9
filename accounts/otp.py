"""Two-factor login (django-otp): who must pass it, enrolment, backup codes, resets.

Required for the roles in settings.OTP_REQUIRED_ROLES (staff and the three
administrators by default), for superusers and for anyone with the admin flag. After the
password, accounts.middleware.OTPRequiredMiddleware keeps such a session on the
verification page (or, without a device yet, the enrolment page) until a TOTP code or a
one-time backup code is accepted.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_MODELS = (TOTPDevice, StaticDevice)
BACKUP_DEVICE_NAME = "backup"
TOTP_DEVICE_NAME = "totp"


def requires_otp(user) -> bool:
    if not (user and user.is_authenticated):
        return False
    return bool(user.role in settings.OTP_REQUIRED_ROLES or user.is_superuser or user.is_staff)


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def is_verified_enough(user) -> bool:
    """The session passed the second factor, or this user needs none."""
    return not requires_otp(user) or is_verified(user)


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device the enrolment page shows (one per user, reused)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key for typing into an app by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no image request, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="TOTP", dark="#000", light="#fff"
    )


def clean_token(token: str) -> str:
    return "".join((token or "").split())


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending device with a code from the app: the session is verified and
    fresh backup codes are returned (shown once). None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(clean_token(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    otp_login(request, device)
    return new_backup_codes(device.user)


def verify(request, token: str):
    """Check a code against the user's app, then their backup codes; the device that
    accepted it verifies the session. None if none did."""
    user = request.user
    token = clean_token(token)
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                return device
    return None


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with settings.OTP_BACKUP_CODE_COUNT new ones."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset_devices(user) -> int:
    """Remove every second-factor device of the user: they enrol again at next login."""
    totp, _ = TOTPDevice.objects.filter(user=user).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    return totp + static
