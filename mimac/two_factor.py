"""Two-factor sign-in (TOTP, through django-otp), with recovery codes to print and keep on paper.

Required for coalition admins always, and for a chapter's coordinators when the chapter says so.
"""

import segno
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mimac import access
from mimac.models import Role

RECOVERY_CODES = 10
APP = "Authenticator app"
RECOVERY = "Recovery codes"


def needs_two_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(
        membership.role == Role.COORDINATOR and membership.chapter.coordinators_two_factor
        for membership in access.memberships_of(user)
    )


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def start(user) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user, replacing any unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP, confirmed=False)


def qr_code(device: TOTPDevice) -> str:
    """The device's secret as a QR code, drawn here as an SVG data URI: no third party sees the secret."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code from it; then it replaces any earlier app. Returns new recovery codes."""
    if not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


def new_recovery_codes(user) -> list[str]:
    """Ten single-use codes, replacing any earlier ones."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY).count()


def verify(user, code: str):
    """The device that accepts this code (from the app, or a recovery code, used up), or None.

    Each device throttles its own failures, so guessing codes slows down quickly.
    """
    code = code.strip().replace(" ", "")
    for device in [app_device(user), StaticDevice.objects.filter(user=user, name=RECOVERY).first()]:
        if device is not None and (verified := verify_token(user, device.persistent_id, code)):
            return verified
    return None
