import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mimac.models import Chapter, Membership, MembershipEvent, PasswordChangeDue, Role

# Temporary passwords are read off a screen and typed by hand: no letters that look alike.
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


@transaction.atomic
def invite_member(*, chapter: Chapter, username: str, first_name: str, role: Role, by) -> Membership:
    """A new account, observing in `chapter`, with no password until they use their link."""
    user = get_user_model().objects.create_user(username=username, first_name=first_name)
    membership = Membership(user=user, chapter=chapter, role=role)
    membership.full_clean()
    membership.save()
    MembershipEvent.log(membership, by, MembershipEvent.Kind.INVITED, Role(role).label)
    return membership


def issue_password_link(*, membership: Membership, by) -> str:
    """The path of a one-time link to set a password, to hand over in person (MIMAC sends no email).

    Setting a password changes what the token is made from, so the link works once; it also
    expires after PASSWORD_RESET_TIMEOUT.
    """
    user = membership.user
    MembershipEvent.log(membership, by, MembershipEvent.Kind.LINK_ISSUED)
    return reverse(
        "password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def reset_password(*, membership: Membership, by) -> str:
    """A temporary password to hand over in person; they must choose their own at their next sign-in.

    Their sessions end at once: a changed password invalidates them.
    """
    user = membership.user
    temporary = "-".join("".join(secrets.choice(READABLE) for _ in range(4)) for _ in range(3))
    user.set_password(temporary)
    user.save(update_fields=["password"])
    PasswordChangeDue.objects.update_or_create(user=user, defaults={"set_by": by})
    MembershipEvent.log(membership, by, MembershipEvent.Kind.PASSWORD_RESET)
    return temporary
