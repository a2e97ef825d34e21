from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from mimac.models import Category, Unit
from mimac.quantities import Quantity, UnitMismatch
from tests.i18n.catalogues import translations


def test_categories_are_seeded_each_with_one_unit(db):
    assert Category.objects.get(code="produce").unit == Unit.POUND
    assert Category.objects.get(code="diapers").unit == Unit.ITEM
    assert not Category.objects.exclude(unit__in=Unit.values).exists()


def test_quantities_of_one_unit_add_up(db):
    produce = Category.objects.get(code="produce")
    assert sum([produce.quantity("12.5"), produce.quantity("7.25")]) == Quantity(Decimal("19.75"), "lb")


def test_adding_quantities_of_different_units_fails_loudly(db):
    pounds = Category.objects.get(code="produce").quantity(10)
    items = Category.objects.get(code="diapers").quantity(40)
    with pytest.raises(UnitMismatch, match="cannot add item to lb"):
        sum([pounds, items])


def test_every_seeded_category_has_a_code(db):
    codes = dict(Category.objects.values_list("name", "code"))
    assert codes["Produce"] == "produce"
    assert codes["Meat and fish"] == "meat-and-fish"
    assert codes["Baby food and formula"] == "baby-food-and-formula"
    assert len(set(codes.values())) == len(codes) == 14


def test_a_category_without_a_code_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(name="Pet food", code="", unit=Unit.POUND)


def test_a_free_code_is_made_from_the_name_and_kept_apart_from_those_taken(db):
    assert Category.free_code("Pet food") == "pet-food"
    assert Category.free_code("PRODUCE!") == "produce-2"
    assert Category.free_code("خبز") == "category", "a name without a Latin letter still gets a code"
    assert len(Category.free_code("Dry goods " * 10)) == 60


# The migration that gives categories their codes, and the one before it.
BEFORE_CODES = [("mimac", "0012_ledger_moves_out")]
WITH_CODES = [("mimac", "0013_category_code")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_seeded_categories_their_codes_and_others_one_from_their_name():
    try:
        old = _migrate(BEFORE_CODES).get_model("mimac", "Category")
        # Renamed before codes came, and a new category given the old name after one whose name slugs the same.
        old.objects.filter(name="Produce").update(name="Fresh produce")
        for name in ("PRODUCE!", "Produce", "Pet food", "Pet-food", "خبز"):
            old.objects.create(name=name, unit="lb")

        new = _migrate(WITH_CODES).get_model("mimac", "Category")
        codes = dict(new.objects.values_list("name", "code"))
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert codes["Meat and fish"] == "meat-and-fish", "a seeded category gets the code the rules know"
    assert codes["Produce"] == "produce", "so does one that carries a seeded name, as the rules knew it by name"
    assert codes["PRODUCE!"] == "produce-2"
    assert codes["Fresh produce"] == "fresh-produce"
    assert codes["Pet food"] == "pet-food"
    assert codes["Pet-food"] == "pet-food-2"
    assert codes["خبز"] == "category"
    assert len(set(codes.values())) == len(codes) == 19


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def _new_category(**fields):
    return {"name": "Pet food", "code": "", "unit": Unit.POUND, "is_food": "on", "active": "on", **fields}


def test_a_new_category_left_without_a_code_gets_one_from_its_name(admin_client):
    response = admin_client.post(reverse("admin:mimac_category_add"), _new_category())
    assert response.status_code == 302
    assert Category.objects.get(name="Pet food").code == "pet-food"


def test_a_new_category_with_a_code_already_taken_is_refused_with_a_clear_message(admin_client):
    response = admin_client.post(reverse("admin:mimac_category_add"), _new_category(code="produce"))
    assert response.status_code == 200
    assert "Another category already has this code: each category needs its own." in response.text
    assert not Category.objects.filter(name="Pet food").exists()


def test_a_categorys_code_cannot_be_changed_after_it_is_made(admin_client):
    produce = Category.objects.get(code="produce")
    url = reverse("admin:mimac_category_change", args=[produce.pk])
    assert 'name="code"' not in admin_client.get(url).text
    data = {"name": "Fresh produce", "code": "vegetables", "is_food": "on", "active": "on"}
    assert admin_client.post(url, data).status_code == 302
    produce.refresh_from_db()
    assert (produce.name, produce.code) == ("Fresh produce", "produce")


def test_a_seeded_category_reads_in_the_catalogue_language_while_it_keeps_its_seeded_name(db, settings, tmp_path):
    translations(settings, tmp_path, "es", {"Produce": "Frutas y verduras"})
    produce = Category.objects.get(code="produce")
    with translation.override("es"):
        assert produce.label == "Frutas y verduras"
        assert str(produce) == "Frutas y verduras (lb)"
    produce.name = "Fresh produce"
    with translation.override("es"):
        assert produce.label == "Fresh produce"  # reworded: the catalogue's word no longer fits


def test_a_coalition_admin_names_a_category_in_each_language(admin_client, settings, tmp_path):
    translations(settings, tmp_path, "bn", {"Produce": "শাকসবজি"})
    produce = Category.objects.get(code="produce")
    url = reverse("admin:mimac_category_change", args=[produce.pk])
    data = {"name": produce.name, "is_food": "on", "active": "on", "name_es": "Verduras", "name_ar": "", "name_bn": ""}
    response = admin_client.post(url, data)
    assert response.status_code == 302
    produce.refresh_from_db()
    assert produce.names == {"es": "Verduras"}
    with translation.override("es"):
        assert produce.label == "Verduras"
        assert str(produce) == f"Verduras ({produce.get_unit_display()})"
    with translation.override("bn"):
        assert produce.label == "শাকসবজি"  # none given: the catalogue's
    assert 'value="Verduras"' in admin_client.get(url).text
