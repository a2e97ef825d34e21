"""A second pair of eyes on what leaves: a trusted member of the chapter other than the recorder signs for it on the
same laptop, with their own username and password. The route's load-out uses it, and so does money going out.

The second member's password goes through the sign-in throttle, so guessing it here counts as failing to sign in.
A wrong password and the right one of someone who may not countersign get one answer, or the form would tell which
passwords are right. Only the recorder's own username is named as such, before any password is checked: it tells
nothing about a password, and the recorder knows their own name.
"""

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from mimac.forms import password_field, username_field
from mimac.models import Membership, Trust

OWN_COUNTERSIGN = _("You recorded this, so someone else countersigns it: a second trusted member types their own.")


class CountersignForm(forms.Form):
    """The second member's username and password. A form that needs a countersign inherits this and asks
    `countersigner(...)` in its `clean`, when what it records needs one (or when one was typed anyway)."""

    countersign_username = username_field(label=_("Second member's username"), required=False)
    countersign_password = password_field(
        label=_("Second member's password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    # What the form says when the username and password are not those of a trusted member who may countersign.
    countersign_refused = _("A second trusted member of the chapter countersigns: check their username and password.")

    def countersign_typed(self) -> bool:
        """Whether a username or password was typed: a countersign offered where none is needed still counts."""
        return any(self.data.get(self.add_prefix(name)) for name in ("countersign_username", "countersign_password"))

    def countersigner(self, *, chapter, recorder, request):
        """The trusted member of `chapter`, not `recorder`, whose username and password were typed. Raises the
        form's refusal (a ValidationError) otherwise; None when a field of its own says what is wrong."""
        if self.has_error("countersign_username") or self.has_error("countersign_password"):
            return None  # the field says what is wrong; nothing unusable reaches the sign-in throttle
        username = self.cleaned_data.get("countersign_username") or ""
        if username and username.casefold() == recorder.get_username().casefold():
            raise forms.ValidationError(OWN_COUNTERSIGN, code="own")
        user = authenticate(request, username=username, password=self.cleaned_data.get("countersign_password"))
        trusted = Membership.objects.active().filter(chapter=chapter, trust=Trust.TRUSTED)
        if user is None or user == recorder or not trusted.filter(user=user).exists():
            raise forms.ValidationError(self.countersign_refused, code="refused")
        return user
