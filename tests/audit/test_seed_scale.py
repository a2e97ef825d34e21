import datetime
import io

from django.core.management import call_command

from audit.queries import Audit, Period
from deliveries.models import DeliveryArrangement, DeliveryLine, Route, StandingRoute
from hubdesk.models import Handout, StockCount
from ledger import verification as ledger
from mimac.models import Chapter
from pickups.models import Pickup, PickupLine
from recipients.models import Household


def test_seed_scale_builds_a_year_whose_ledger_chain_holds(db):
    out = io.StringIO()
    call_command("seed_scale", "--force", households=60, suppliers=4, weeks=3, chapters=2, stdout=out)
    assert "Done in" in out.getvalue()
    for chapter in Chapter.objects.filter(code__startswith="SC"):
        assert Household.objects.filter(chapter=chapter).count() == 60
        assert Pickup.objects.filter(supplier__chapter=chapter, status="done").exists()
        for model in (PickupLine, DeliveryLine, Handout, StockCount):
            assert model.objects.filter(chapter=chapter).exists(), model
        assert Route.objects.filter(chapter=chapter).count() > 0
        assert StandingRoute.objects.filter(chapter=chapter).count() == 60
        assert (
            DeliveryArrangement.objects.filter(household__chapter=chapter).count()
            == Household.objects.filter(chapter=chapter, mode="delivery", status="active").count()
        )
        verdict = ledger.verify(chapter)
        assert verdict.ok, verdict.problem
        year = Period(chapter.today() - datetime.timedelta(days=364), chapter.today())
        reconciliations = Audit(chapter, chapter.hubs.all(), year).reconciliations
        flagged = [(r.hub.name, line.category.name) for r in reconciliations for line in r.flagged]
        assert flagged == [("Hub 0", "Produce")], "the counts follow the ledger but for the one planted shortfall"
