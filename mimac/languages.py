"""Which language each person reads, and the language of paper.

A member's choice is saved (LanguagePreference) and applied when they sign in; on the shared laptop the
last person's language goes with them. The switcher works on every page, the sign-in page too: chosen
there, before signing in, it becomes the choice of whoever signs in next.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.views import i18n
from django.views.decorators.http import require_POST

from mimac.models import LanguagePreference

# The session remembers a choice made on the sign-in page until someone signs in.
CHOSEN_BEFORE_SIGN_IN = "language_chosen_before_sign_in"
# Arabic-Indic, Eastern Arabic-Indic (Persian, Urdu) and Bengali digits, as a localised keyboard types them.
DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}})
DIGITS.update({0x09E6 + d: str(d) for d in range(10)})
DIGITS.update({0x066B: ".", 0x066C: None})  # the Arabic decimal point; its thousands separator goes


def ascii_digits(text):
    """`text` with every digit a localised keyboard types as an ASCII one (codes, quantities, dates, phones are
    keyed back in from paper, so MIMAC keeps and prints them in ASCII)."""
    return text.translate(DIGITS) if isinstance(text, str) else text


def available(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


@login_not_required
@require_POST
def set_language(request):
    """Django's switcher, which also saves the choice: for the member, or until someone signs in."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if available(language):
        if request.user.is_authenticated:
            LanguagePreference.objects.update_or_create(user=request.user, defaults={"language": language})
        else:
            request.session[CHOSEN_BEFORE_SIGN_IN] = language
    return response


def chosen_before_sign_in(request) -> str:
    return request.session.pop(CHOSEN_BEFORE_SIGN_IN, "")


def apply_at_sign_in(user, chosen: str, response):
    """The language of the person who just signed in: what they chose on the sign-in page (saved as their
    choice), else their saved choice, else the browser's (the last person's is dropped)."""
    if chosen:
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": chosen})
        language = chosen
    else:
        language = LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


def paper_language(household_language: str, chapter) -> str:
    """The language a household's paper is printed in: its own where MIMAC has a catalogue for it, else the
    chapter's choice for paper."""
    if available(household_language):
        return household_language
    return chapter.paper_language
