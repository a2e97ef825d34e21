"""Recording money as the app does, for the money tests."""

import datetime
from decimal import Decimal

from mimac.photos import clean_photo
from money import services
from money.models import MoneySettings
from tests import images


def days_ago(world, days: int) -> datetime.date:
    return world.chapter.today() - datetime.timedelta(days=days)


COORDINATOR = object()  # spending is countersigned by the chapter's coordinator unless told otherwise


def spend(world, account, amount, *, purpose="fuel", days=0, on=None, by=None, countersigned_by=COORDINATOR,
          receipt=None, note=""):  # fmt: skip
    """Spending as the app records it: by the volunteer, countersigned by the coordinator unless told otherwise
    (None: by nobody); `days` ago, or `on` a day."""
    if countersigned_by is COORDINATOR:
        countersigned_by = world.coordinator.user
    return services.record(
        account=account, by=by or world.volunteer.user, kind="spending", purpose=purpose, amount=Decimal(amount),
        date=on or days_ago(world, days), countersigned_by=countersigned_by, receipt_photo=receipt, note=note,
    )  # fmt: skip


def take_in(world, account, amount, *, kind="donation", days=0, on=None, by=None, **details):
    return services.record(account=account, by=by or world.volunteer.user, kind=kind, amount=Decimal(amount),
                           date=on or days_ago(world, days), **details)  # fmt: skip


def receipt_photo():
    """A receipt that passes the no-faces check (the drawn crate stands in for paper)."""
    return clean_photo(images.upload(images.encode(images.food_photo()), "receipt.jpg"))


def set_money(world, **settings):
    """Change Riverside's money settings, and forget the ones its chapter object read before."""
    MoneySettings.objects.filter(chapter=world.chapter).update(**settings)
    world.chapter.__dict__.pop("_money_settings", None)
