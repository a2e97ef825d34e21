"""Five months of Riverside's money: a cash box and a credit union account, monthly dues collections and members'
own dues, donations (most anonymous, one named to every member, one to coordinators only), fuel, rent, supplies and a
repair, each receipt photographed and each outflow countersigned, the cash taken to the bank, and a count of the box
each month. The latest count is 7.50 short, beyond the tolerance, for the audit to flag. Northgate has a cash box."""

import datetime
import io
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from mimac.models import Chapter
from mimac.photos import CleanPhoto, clean_photo
from money import services
from money.models import Account, MoneyEntry, MoneySettings
from money.rules import balance_of

Kind = MoneyEntry.Kind
MONTHS = 5


def load(password: str) -> None:
    users = {user.username: user for user in get_user_model().objects.all()}
    riverside = Chapter.objects.get(code="RIV")
    MoneySettings.objects.create(chapter=riverside, receipt_above=Decimal(20))
    today = riverside.today()
    start = (today.replace(day=1) - datetime.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    cora, val = users["coordinator"], users["volunteer"]
    cash = services.open_account(
        chapter=riverside,
        by=cora,
        name="Cash box at Church Street",
        kind=Account.Kind.CASH,
        holds=Decimal("85.00"),
        date=start,
    )
    bank = services.open_account(
        chapter=riverside, by=cora, name="Credit union", kind=Account.Kind.BANK, holds=Decimal("1240.00"), date=start
    )
    receipt = _receipt_photo()
    month = start
    while month <= today:
        _a_month(riverside, month, today, cash, bank, cora, val, users, receipt)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    northgate = Chapter.objects.get(code="NGF")
    services.open_account(
        chapter=northgate, by=users["coordinator2"], name="Cash tin", kind=Account.Kind.CASH, holds=Decimal("40.00"),
        date=northgate.today().replace(day=1),
    )  # fmt: skip


def _a_month(chapter, month, today, cash, bank, cora, val, users, receipt):
    def day(number):
        return month.replace(day=number)

    def due(number):
        return day(number) <= today

    if due(3):  # the monthly meeting's dues collection, and two members who pay by themselves
        services.record(account=cash, by=cora, kind=Kind.DUES, amount=Decimal("130.00"), date=day(3), payers=13)
        services.record(account=cash, by=val, kind=Kind.DUES, amount=Decimal("10.00"), date=day(3), member=cora)
        services.record(account=cash, by=cora, kind=Kind.DUES, amount=Decimal("10.00"), date=day(3), member=val)
    if due(5):
        services.record(
            account=bank, by=cora, kind=Kind.SPENDING, purpose="rent", amount=Decimal("300.00"), date=day(5),
            countersigned_by=users["auditor"], receipt_photo=_copy(receipt), note="Church Street back room",
        )  # fmt: skip
    for number, amount in ((7, "25.00"), (14, "40.00"), (21, "15.50")):
        if due(number):
            services.record(account=cash, by=val, kind=Kind.DONATION, amount=Decimal(amount), date=day(number))
    if due(10):
        services.record(
            account=bank, by=cora, kind=Kind.DONATION, amount=Decimal("150.00"), date=day(10),
            donor_named_to="members", donor_name="Rosa's Bakery",
        )  # fmt: skip
    if due(12) and month.month % 2:
        services.record(
            account=bank, by=cora, kind=Kind.DONATION, amount=Decimal("200.00"), date=day(12),
            donor_named_to="coordinators", donor_name="M. Okafor",
        )  # fmt: skip
    for number in (8, 22):  # fuel for the van, paid from the box and signed for by a second member
        if due(number):
            services.record(
                account=cash, by=val, kind=Kind.SPENDING, purpose="fuel", amount=Decimal("38.40"), date=day(number),
                countersigned_by=cora, receipt_photo=_copy(receipt), note="Van, Main St station",
            )  # fmt: skip
    if due(16):
        services.record(
            account=cash, by=cora, kind=Kind.SPENDING, purpose="supplies", amount=Decimal("12.75"), date=day(16),
            countersigned_by=val, note="Bags and tape",
        )  # fmt: skip
    if due(18) and month.month % 3 == 0:
        services.record(
            account=bank, by=cora, kind=Kind.SPENDING, purpose="repairs", amount=Decimal("96.00"), date=day(18),
            countersigned_by=val, receipt_photo=_copy(receipt), note="Cooler door seal",
        )  # fmt: skip
    if due(25):
        services.transfer(
            source=cash, destination=bank, by=cora, amount=Decimal("100.00"), date=day(25), countersigned_by=val,
            note="Taken to the credit union",
        )  # fmt: skip
    count_day = day(27) if due(27) else None
    if count_day:
        held = balance_of(cash)  # the box as its rows say: every row so far is dated on or before the count
        short = Decimal("7.50") if (month.year, month.month) == _last_complete(today) else Decimal(0)
        services.count_cash(account=cash, by=val, date=count_day, amount=held - short, counted_by=cora)


def _last_complete(today) -> tuple[int, int]:
    """The month of the latest count: this month's, once the 27th has passed, else last month's."""
    if today.day >= 27:
        return today.year, today.month
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.year, last.month


def _receipt_photo() -> CleanPhoto:
    """A drawn till receipt, through the photo policy once: every demo receipt is a copy of it."""
    image = Image.new("RGB", (360, 640), (236, 232, 222))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 30, 320, 610), fill=(252, 252, 248))
    for line in range(14):
        y = 70 + line * 36
        draw.rectangle((60, y, 60 + (line * 37) % 180 + 60, y + 10), fill=(70, 70, 70))
        draw.rectangle((250, y, 300, y + 10), fill=(70, 70, 70))
    output = io.BytesIO()
    image.save(output, "JPEG")
    return clean_photo(ContentFile(output.getvalue(), name="receipt.jpg"))


def _copy(photo: CleanPhoto) -> CleanPhoto:
    photo.seek(0)
    return CleanPhoto(photo.read(), name=f"{uuid.uuid4().hex}.jpg")
