"""What goes into the security trail on its own: sign-ins, failures and lockouts."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from mimac.middleware import PASSWORD_CHANGE_DUE
from mimac.models import PasswordChangeDue, TrailEvent, record


def _account(username: str | None):
    """The account a username names, if any: the trail keeps its id, never the text typed."""
    return get_user_model().objects.filter(username=username).first() if username else None


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    record(TrailEvent.Kind.SIGNED_IN, user)
    if PasswordChangeDue.objects.filter(user=user).exists():
        request.session[PASSWORD_CHANGE_DUE] = True


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    account = _account(credentials.get("username"))
    record(TrailEvent.Kind.SIGN_IN_FAILED, account, subject="" if account else "unknown account")


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    account = _account(username)
    record(TrailEvent.Kind.LOCKED_OUT, account, subject="" if account else "unknown account")


def purge(before: datetime.datetime, *, apply: bool) -> int:
    """Forget trail lines and sign-in failure records older than `before`; how many there were."""
    old = [
        TrailEvent.objects.filter(at__lt=before),
        AccessAttempt.objects.filter(attempt_time__lt=before),
        AccessFailureLog.objects.filter(attempt_time__lt=before),
    ]
    count = sum(rows.count() for rows in old)
    if apply:
        for rows in old:
            rows.delete()
    return count
