"""The third problem the demo plants for the audit to find: the first hub's count three days ago is 12% short on
produce and agrees with the ledger on everything else. It is worked out from the audit's own reconciliation, so
it runs after the apps below have recorded what moved (seed_demo loads demos in the order of INSTALLED_APPS)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from audit.queries import Audit, Period
from hubdesk.models import StockCount
from hubdesk.services import record_count
from mimac.models import Chapter

SHORTFALL = Decimal("0.88")
CENTS = Decimal("0.01")


def load(password: str) -> None:
    users = get_user_model().objects.in_bulk(["volunteer", "coordinator"], field_name="username")
    chapter = Chapter.objects.get(code="RIV")
    hub = chapter.hubs.order_by("name").first()
    day = chapter.today() - datetime.timedelta(days=3)
    first_count = StockCount.objects.filter(hub=hub).earliest("date")
    [expected] = Audit(chapter, [hub], Period(first_count.date + datetime.timedelta(days=1), day)).reconciliations
    lines = [
        (line.category, (line.expected * (SHORTFALL if line.category.code == "produce" else 1)).quantize(CENTS))
        for line in expected.lines
    ]
    record_count(hub=hub, by=users["volunteer"], date=day, counted_by=users["coordinator"], lines=lines)
