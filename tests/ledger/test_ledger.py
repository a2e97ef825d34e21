"""The ledger: append-only everywhere, and a hash chain that names the row where it was tampered with."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.urls import reverse

from deliveries.models import HouseholdReport, RouteLoad
from hubdesk import services as hubdesk_services
from ledger import hashing, verification
from ledger.models import LedgerHead, LedgerIsAppendOnly, ledger_models, model_of_kind
from recipients.models import Household
from tests.factories import make_member, make_pickup
from tests.ledger.tampering import triggers_off
from tests.pages import without_bdi

# Fields of a ledger row that are neither hashed nor erasable free text: the chain's own bookkeeping.
BOOKKEEPING = {"id", "sequence", "chain_hash"}


def _verify(world, head=""):
    return verification.verify(world.chapter, head)


def test_every_ledger_field_is_hashed_unless_it_is_bookkeeping_or_erasable_free_text():
    for model in ledger_models():
        columns = {field.attname for field in model._meta.concrete_fields}
        assert columns == set(model.chain_fields) | set(model.unhashed_fields) | BOOKKEEPING, model
        assert set(model.unhashed_fields) <= {"note", "donor_name"}, "only erasable free text stays outside the hash"


def test_every_ledger_model_refuses_update_and_delete(world, every_kind):
    for model, row in every_kind.items():
        with pytest.raises(LedgerIsAppendOnly):
            row.save()
        with pytest.raises(LedgerIsAppendOnly):
            row.delete()
        rows = model.objects.filter(pk=row.pk)
        with pytest.raises(LedgerIsAppendOnly):
            rows.update(recorded_at=row.recorded_at)
        with pytest.raises(LedgerIsAppendOnly):
            rows.delete()
        with pytest.raises(LedgerIsAppendOnly):
            model.objects.bulk_update([row], ["recorded_at"])
    assert _verify(world).ok


def test_the_admin_shows_ledger_rows_and_refuses_to_change_add_or_delete_them(client, world, every_kind):
    client.force_login(world.admin)
    for model, row in every_kind.items():
        opts = model._meta
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
        assert client.get(change).status_code == 200, "readable"
        assert client.post(change, {"correction_reason": "tidy"}).status_code == 403
        delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
        assert model.objects.filter(pk=row.pk).exists()


def test_a_fresh_chain_verifies_and_the_head_counts_every_row(world, every_kind):
    verdict = _verify(world)
    assert verdict.ok, verdict.problem
    rows = sum(model.objects.filter(chapter=world.chapter).count() for model in ledger_models())
    assert verdict.rows == rows == LedgerHead.objects.get(chapter=world.chapter).sequence
    assert verification.verify(world.other_chapter).ok


def test_a_row_joins_the_chain_of_its_own_chapter_only(world, produce):
    pickup = make_pickup(world, chapter=world.other_chapter, hub=world.other_hub)
    with pytest.raises(ValueError, match="joins the chain of the chapter"):
        pickup.lines.create(chapter=world.chapter, category=produce, quantity=1, recorded_by=world.admin)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def test_verify_names_the_row_changed_by_a_raw_update(world, every_kind):
    line = every_kind[RouteLoad]
    with triggers_off(RouteLoad), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(RouteLoad)} SET quantity = 20 WHERE id = %s", [line.pk])
    verdict = _verify(world)
    assert verdict.problem == (
        f"deliveries.routeload #{line.pk} (sequence {line.sequence}) does not match its hash: "
        "changed, or inserted, in the database."
    )
    assert verdict.rows == line.sequence - 1
    with pytest.raises(CommandError, match="broken in RIV"):
        call_command("verify_ledger")


def test_verify_names_the_place_of_a_row_deleted_by_raw_sql(world, every_kind):
    report = every_kind[HouseholdReport]
    with triggers_off(HouseholdReport), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(HouseholdReport)} WHERE id = %s", [report.pk])
    problem = _verify(world).problem
    assert problem.startswith(f"Sequence {report.sequence} is missing (deleted) before ")


def test_verify_notices_the_last_row_deleted(world, every_kind):
    last = max(every_kind.values(), key=lambda row: row.sequence)
    with triggers_off(type(last)), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(type(last))} WHERE id = %s", [last.pk])
    assert "rows deleted" in _verify(world).problem


def _insert_copy(row, sequence, chain_hash, quantity):
    """A raw INSERT of a copy of `row`, as someone with the database could write it."""
    model = type(row)
    values = {f.column: getattr(row, f.attname) for f in model._meta.concrete_fields if f.attname != "id"}
    values.update(sequence=sequence, chain_hash=chain_hash, quantity=quantity)
    columns = ", ".join(connection.ops.quote_name(column) for column in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(model)} ({columns}) VALUES ({', '.join(['%s'] * len(values))})",
            [model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()],
        )
    return model._base_manager.order_by("-pk").first()


def _hash_for(row, previous, sequence, quantity):
    values = {name: getattr(row, name) for name in row.chain_fields} | {"quantity": Decimal(quantity)}
    return hashing.link_hash(previous, row.chain_label, sequence, values)


def test_verify_names_a_row_inserted_after_the_head_even_with_a_valid_hash(world, every_kind):
    head = LedgerHead.objects.get(chapter=world.chapter)
    handout_line = every_kind[model_of_kind("handoutline")]
    sequence = head.sequence + 1
    forged = _insert_copy(handout_line, sequence, _hash_for(handout_line, head.hash, sequence, 50), 50)
    assert _verify(world).problem == (
        f"deliveries.handoutline #{forged.pk} (sequence {sequence}) comes after the chain's head "
        f"({head.sequence}): inserted in the database."
    )


def test_verify_names_a_row_inserted_into_the_middle_with_a_valid_hash(world, every_kind):
    spoilage = every_kind[model_of_kind("spoilage")]
    before = next(row for row in every_kind.values() if row.sequence == spoilage.sequence - 1)
    forged = _insert_copy(spoilage, spoilage.sequence, _hash_for(spoilage, before.chain_hash, spoilage.sequence, 1), 1)
    assert _verify(world).problem == (
        f"deliveries.spoilage #{forged.pk} (sequence {spoilage.sequence}) shares sequence {spoilage.sequence} "
        "with another row: inserted in the database."
    )


def test_a_head_written_down_last_week_catches_a_chain_recomputed_from_scratch(world, every_kind, capsys):
    written_down = LedgerHead.objects.get(chapter=world.chapter)
    call_command("verify_ledger", head=f"{written_down.sequence}:{written_down.hash}")
    assert "The head written down earlier is in it." in capsys.readouterr().out

    _rewrite_history(world, every_kind[RouteLoad], quantity=Decimal(1))

    assert _verify(world).ok, "a recomputed chain holds together by itself"
    assert not _verify(world, written_down.hash).met_head
    with pytest.raises(CommandError, match="not in the chain: it was rewritten"):
        call_command("verify_ledger", head=written_down.hash[:16])


def _rewrite_history(world, victim, quantity):
    """What someone with the database and this code could do: change a row and recompute every hash after it."""
    models = {model.chain_label: model for model in ledger_models()}
    with triggers_off(*models.values()), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(type(victim))} SET quantity = %s WHERE id = %s", [quantity, victim.pk])
        previous = hashing.GENESIS
        for row in verification._rows(world.chapter.pk):
            digest = hashing.link_hash(previous, row.label, row.sequence, row.values)
            table = _table(models[row.label])
            cursor.execute(f"UPDATE {table} SET chain_hash = %s WHERE id = %s", [digest, row.pk])
            previous = digest
    LedgerHead.objects.filter(chapter=world.chapter).update(hash=previous)


def test_verify_ledger_rejects_a_head_that_is_not_a_hash(world):
    with pytest.raises(CommandError, match="16 to 64 hex digits"):
        call_command("verify_ledger", head="last tuesday")


def test_purging_a_household_blanks_its_notes_and_keeps_the_chain(world, every_kind):
    report = every_kind[HouseholdReport]
    household = report.household
    Household.objects.filter(pk=household.pk).update(status="ended", status_since=datetime.date(2020, 1, 1))
    call_command("purge_households", apply=True, stdout=io.StringIO())
    report.refresh_from_db()
    assert report.note == ""
    assert Household.objects.get(pk=household.pk).purged_at is not None
    assert _verify(world).ok


def test_a_correction_is_a_new_row_in_the_chain_and_the_page_shows_the_history(client, world, every_kind):
    line = every_kind[model_of_kind("handoutline")]
    client.force_login(world.coordinator.user)
    url = reverse("ledger:entry", args=["handoutline", line.pk])
    response = client.post(url, {"quantity": "4", "reason": "one bag went back on the shelf"}, follow=True)
    correction = line.correction
    assert (correction.quantity, correction.recorded_by, correction.handout_id) == (
        Decimal(4),
        world.coordinator.user,
        line.handout_id,
    )
    assert correction.sequence == LedgerHead.objects.get(chapter=world.chapter).sequence
    assert "one bag went back on the shelf" in response.text
    assert "<s>5 lb</s>" in without_bdi(response.text)
    assert _verify(world).ok


def test_an_auditor_reads_a_ledger_row_but_cannot_correct_it(client, world, every_kind):
    line = every_kind[model_of_kind("handoutline")]
    client.force_login(world.auditor.user)
    url = reverse("ledger:entry", args=["handoutline", line.pk])
    assert "Correct it" not in client.get(url).text
    assert client.post(url, {"quantity": "1", "reason": "x"}).status_code == 403
    assert not model_of_kind("handoutline").objects.filter(corrects=line).exists()


def test_an_unknown_kind_of_row_is_not_found(client, world):
    client.force_login(world.coordinator.user)
    assert client.get(reverse("ledger:entry", args=["household", 1])).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: there is no race to test")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_writers_at_once_leave_a_chain_that_verifies(world, produce):
    hub, people = world.hub, [make_member(world.chapter, f"desk{n}").user for n in range(8)]
    today, errors = world.chapter.today(), []
    start = threading.Barrier(len(people))

    def write(user):
        try:
            start.wait()
            for _ in range(10):
                hubdesk_services.record_handout(hub=hub, by=user, date=today, lines=[(produce, 1), (produce, 2)])
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verdict = _verify(world)
    assert verdict.ok, verdict.problem
    assert verdict.rows == 8 * 10 * 3
