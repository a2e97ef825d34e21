import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from hubdesk import services
from mimac.models import Category, Role
from pickups.services import record_done
from tests.factories import make_chapter, make_hub, make_member, make_pickup


def test_an_auditor_follows_a_flagged_count_to_its_rows_downloads_the_csv_and_prints_the_sheet(open_tab):
    chapter = make_chapter()
    hub = make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    val = make_member(chapter, "val", first_name="Val").user
    make_member(chapter, "audrey", Role.AUDITOR, first_name="Audrey")
    produce = Category.objects.get(code="produce")
    today = chapter.today()
    # Last month, the last one complete, which the audit opens on: opening 50 (counted before it), received 30,
    # handed out 10: 70 expected on the shelf, 60 counted.
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    services.record_count(hub=hub, by=val, date=last_month - datetime.timedelta(days=10), counted_by=val,
                          lines=[(produce, Decimal(50))])  # fmt: skip
    world = type("World", (), {"chapter": chapter, "hub": hub})
    pickup = make_pickup(world, days_ahead=(last_month - today).days + 4)
    record_done(pickup=pickup, by=val, arrived_at=pickup.window_starts_at, lines=[(produce, Decimal(30))])
    counted_on = last_month + datetime.timedelta(days=19)
    services.record_handout(hub=hub, by=val, date=counted_on, lines=[(produce, Decimal(10))], people=2)
    services.record_count(hub=hub, by=val, date=counted_on, counted_by=val, lines=[(produce, Decimal(60))])

    auditor = open_tab()
    page = auditor.page
    auditor.sign_in("audrey")
    page.get_by_role("link", name="Open the audit").click()
    auditor.check()
    flagged = page.locator("tr.flagged")
    assert "Produce" in flagged.inner_text()
    assert "-10 lb (-14.3%)" in flagged.inner_text()

    flagged.get_by_role("link", name="30 lb").click()
    auditor.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Rows: received"
    assert "30.00 lb" in page.get_by_role("table").inner_text()
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[1][:2] == ["Church Street Pantry", "Produce"]
    assert rows[1][-1] == "True"

    page.get_by_role("link", name="Print the audit sheet of this period").click()
    auditor.check()
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(page.pdf(format=paper))).pages)
        assert "Ledger chain head" in text
        assert "Produce" in text
        assert f"{last_month:%Y-%m-%d} to {last_month_end:%Y-%m-%d}" in text.replace("\n", ""), "the period shown"
