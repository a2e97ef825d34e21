"""What money adds to other apps' pages and checks (registered in `MoneyConfig.ready`)."""

from django.db.models import Sum

from mimac import access
from mimac.access import Action
from money.models import MoneyEntry, MoneySettings, cents

# How many of a member's latest dues their page lists.
DUES_SHOWN = 24


def member_dues(request, membership) -> dict | None:
    """A member's dues in the chapter, on their page: for that member, the chapter's coordinators and auditors."""
    chapter, user = membership.chapter, request.user
    if user.pk != membership.user_id and not access.may(user, chapter, Action.VIEW_PAYERS):
        return None
    dues = MoneyEntry.objects.newest().filter(chapter=chapter, kind=MoneyEntry.Kind.DUES, member=membership.user_id)
    this_year = cents(dues.filter(date__year=chapter.today().year).aggregate(total=Sum("amount"))["total"])
    return {
        "dues": list(dues.select_related("account").order_by("-date", "-sequence")[:DUES_SHOWN]),
        "dues_this_year": this_year,
        "money": MoneySettings.of(chapter),
        "dues_member": membership,
    }


def receipt_photo_action(photo) -> Action | None:
    """A receipt's photo is for coordinators and auditors: names and card digits stay on a receipt."""
    return Action.VIEW_RECEIPTS if MoneyEntry.objects.filter(receipt=photo).exists() else None
