from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from mimac import access, languages, two_factor

# Set in the session at sign-in when the member signed in with a temporary password.
PASSWORD_CHANGE_DUE = "password_change_due"  # noqa: S105 (a session key, not a password)


class SharedLaptopMiddleware:
    """What a shared hub laptop needs on every page a signed-in member sees.

    - Nothing is stored, whatever its type (a page, a CSV, a photo): the back button after sign-out
      and the browser's cache show nothing of the last person.
    - Once the session's idle time is up, an open HTML page replaces itself with the signed-out page,
      with no JavaScript. This is the HTTP form of <meta http-equiv="refresh">, which browsers treat
      the same way; as a header it needs no change to any template.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            if response.get("Content-Type", "").startswith("text/html"):
                # A page that reloads itself sets its own, which goes to the signed-out page in time too.
                response.setdefault("Refresh", f"{settings.SESSION_COOKIE_AGE}; url={reverse('signed_out')}")
        return response


class PasswordChangeDueMiddleware:
    """A member who signed in with a temporary password sees nothing but the password form until
    they have chosen their own (signing out still works)."""

    ALLOWED = ("password_change", "logout", "signed_out")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(PASSWORD_CHANGE_DUE):
            path = request.path_info
            if path not in {reverse(name) for name in self.ALLOWED} and not path.startswith(settings.STATIC_URL):
                messages.info(request, _("Choose your own password before you go on."))
                return redirect("password_change")
        return self.get_response(request)


class TwoFactorMiddleware:
    """Coalition admins, and coordinators of chapters that ask for it, give an authenticator code after
    their password: until then they see only the pages that set one up or check it."""

    ALLOWED = ("two_factor_setup", "two_factor_verify", "logout", "signed_out")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if two_factor.needs_two_factor(request.user) and not request.user.is_verified():
            path = request.path_info
            if path not in {reverse(name) for name in self.ALLOWED} and not path.startswith(settings.STATIC_URL):
                has_app = two_factor.app_device(request.user) is not None
                target = reverse("two_factor_verify" if has_app else "two_factor_setup")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class ChapterTimeZoneMiddleware:
    """A member sees every time in their chapter's zone (TIME_ZONE is only the default for new chapters): the
    zone all their chapters share. Someone whose chapters are in different zones, and a coalition admin, sees
    TIME_ZONE, except on the pages of one chapter's records (its audit, a ledger row), which use that chapter's.
    Runs after TwoFactorMiddleware, which has looked the memberships up already."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        member = user.is_authenticated and not user.is_superuser
        zones = {m.chapter.time_zone for m in access.memberships_of(user)} if member else set()
        if len(zones) != 1:
            return self.get_response(request)
        with timezone.override(zones.pop()):
            return self.get_response(request)


class AsciiDigitsMiddleware:
    """Digits typed on an Arabic or Bengali keyboard (٣, ৩) reach every form as ASCII ones: codes, quantities,
    phones and dates are kept and printed in ASCII, because paper is keyed back in. Passwords stay as typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in ("GET", "POST"):
            data = getattr(request, name)
            if any(languages.ascii_digits(value) != value for _key, values in data.lists() for value in values):
                normalised = data.copy()
                for key in normalised:
                    if "password" not in key:
                        normalised.setlist(key, [languages.ascii_digits(value) for value in data.getlist(key)])
                normalised._mutable = False
                setattr(request, name, normalised)
        return self.get_response(request)
