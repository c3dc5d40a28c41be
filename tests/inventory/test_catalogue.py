"""The catalogue: the admin adds products with coded ingredients and receives lots; practitioners
read it; lots are held or recalled with a reason; every change is audited."""

import datetime as dt

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.inventory.domain import InventoryRefused, lot_receive, lot_set_status
from mesoclinic.inventory.ingredients import IngredientLine, IngredientsUnreadable, ingredient_lines
from mesoclinic.inventory.models import ATC, UNII, Lot, Product
from mesoclinic.inventory.queries import lots_to_offer
from tests.inventory.factories import LotFactory, ProductFactory, with_ingredients

pytestmark = pytest.mark.usefixtures("frozen_now")

PRODUCT_FORM = {
    "name": "Lidocaine 4% cream",
    "manufacturer": "Calma Topicals",
    "form": "cream",
    "unit": "tube of 30 g",
    "ingredients": "atc:N01BB02 lidocaine\n\nhydrogenated castor oil",
    "off_label_note": "",
    "numbing": "on",
    "active": "on",
}


def test_an_ingredient_line_is_coded_where_a_code_is_given():
    assert ingredient_lines(
        "atc:N01BB02 lidocaine\n  UNII:S270N0TRQY  hyaluronic acid \nglycine"
    ) == [
        IngredientLine("lidocaine", ATC, "N01BB02"),
        IngredientLine("hyaluronic acid", UNII, "S270N0TRQY"),
        IngredientLine("glycine"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "glycine\nloinc:1234 something",
            "Ingredient line 2: 'loinc' is not a code system; use sct:CODE, rxnorm:CODE, "
            "atc:CODE, unii:CODE.",
        ),
        ("atc:N01BB02", "Ingredient line 1: a coded ingredient needs its name after the code."),
    ],
)
def test_an_unreadable_ingredient_line_says_which_and_why(text, message):
    with pytest.raises(IngredientsUnreadable) as refused:
        ingredient_lines(text)
    assert str(refused.value) == message


def test_the_admin_adds_a_product_with_its_coded_ingredients(client_for, alice, harbour):
    response = client_for(alice).post(reverse("inventory:product-new"), PRODUCT_FORM)
    product = Product.objects.get()
    assert (response.status_code, response.url) == (302, reverse("inventory:products"))
    assert (
        product.clinic,
        product.name,
        product.form,
        product.numbing,
        product.prescription_only,
        [(i.name, i.code_system, i.code) for i in product.ingredients.all()],
    ) == (
        harbour,
        "Lidocaine 4% cream",
        "cream",
        True,
        False,
        [("lidocaine", ATC, "N01BB02"), ("hydrogenated castor oil", "", "")],
    )
    changes = AuditEvent.objects.exclude(action="login")
    assert list(changes.values_list("action", "object_type", "summary")) == [
        (
            "update",
            "inventory.Product",
            "Lidocaine 4% cream: ingredients lidocaine, hydrogenated castor oil",
        ),
        (
            "create",
            "inventory.Product",
            "Lidocaine 4% cream: name, manufacturer, form, unit, numbing",
        ),
    ]


def test_a_second_product_of_the_same_name_is_refused(client_for, alice, harbour):
    ProductFactory(clinic=harbour, name="lidocaine 4% CREAM")
    response = client_for(alice).post(reverse("inventory:product-new"), PRODUCT_FORM)
    assert response.context["form"].errors == {
        "name": ["The catalogue already has a product of that name."]
    }


def test_the_admin_receives_a_lot(client_for, alice, harbour):
    product = ProductFactory(clinic=harbour, name="Vitamin cocktail")
    response = client_for(alice).post(
        reverse("inventory:lot-receive", args=[product.pk]),
        {"number": " VC-1 ", "expires": "2027-03-31", "quantity": "12"},
    )
    lot = Lot.objects.get()
    assert (response.status_code, response.url) == (302, reverse("inventory:lots"))
    assert (
        lot.clinic,
        lot.number,
        lot.expires,
        lot.quantity_received,
        lot.quantity_left,
        lot.status,
        lot.received_on,
        lot.received_by,
    ) == (harbour, "VC-1", dt.date(2027, 3, 31), 12, 12, "available", dt.date(2026, 11, 21), alice)
    assert AuditEvent.objects.exclude(action="login").get().summary == (
        "received 12 × Vitamin cocktail lot VC-1, expires 2027-03-31"
    )


def test_a_lot_number_is_received_once_per_product(alice, harbour):
    lot = LotFactory(product__clinic=harbour, number="VC-1")
    with pytest.raises(InventoryRefused) as refused:
        lot_receive(
            product=lot.product,
            number="vc-1",
            expires=dt.date(2027, 1, 1),
            quantity=1,
            on=dt.date(2026, 11, 21),
            by=alice,
        )
    assert str(refused.value) == f"{lot.product} already has a lot vc-1."


def test_a_hold_or_recall_needs_its_reason_and_is_audited(alice, harbour):
    lot = LotFactory(product__clinic=harbour, product__name="HA", number="HA-1")
    with pytest.raises(InventoryRefused) as refused:
        lot_set_status(lot=lot, status="recalled", reason="  ", by=alice)
    assert str(refused.value) == "Say why the lot is recalled."
    with pytest.raises(InventoryRefused) as unknown:
        lot_set_status(lot=lot, status="lost", reason="", by=alice)
    assert str(unknown.value) == (
        "'lost' is not a lot status; a lot is one of available, quarantined, recalled."
    )
    lot_set_status(
        lot=lot, status="recalled", reason="Manufacturer's recall notice 2026-14", by=alice
    )
    lot.refresh_from_db()
    assert (lot.status, lot.status_reason) == ("recalled", "Manufacturer's recall notice 2026-14")
    assert AuditEvent.objects.get().summary == "HA lot HA-1: status, status_reason"


def test_the_earliest_expiring_usable_lot_is_offered_first(harbour):
    product = ProductFactory(clinic=harbour)
    later = LotFactory(product=product, expires=dt.date(2027, 5, 1))
    sooner = LotFactory(product=product, expires=dt.date(2027, 1, 1))
    LotFactory(product=product, expires=dt.date(2026, 11, 20))
    LotFactory(product=product, expires=dt.date(2026, 12, 1), status="quarantined")
    LotFactory(product=product, expires=dt.date(2026, 12, 2), status="recalled")
    LotFactory(product=product, expires=dt.date(2026, 12, 3), quantity_left=0)
    assert lots_to_offer(product, dt.date(2026, 11, 21)) == [sooner, later]
    assert (sooner.usable_on(dt.date(2027, 1, 1)), sooner.usable_on(dt.date(2027, 1, 2))) == (
        True,
        False,
    )


def test_the_lot_list_marks_what_expires_soon_and_what_expired(client_for, paula, harbour):
    product = ProductFactory(clinic=harbour, name="HA")
    LotFactory(product=product, number="OLD", expires=dt.date(2026, 11, 20))
    LotFactory(product=product, number="SOON", expires=dt.date(2026, 12, 21))
    LotFactory(product=product, number="FINE", expires=dt.date(2027, 12, 21))
    response = client_for(paula).get(reverse("inventory:lots"))
    assert [(lot.number, state) for lot, state in response.context["lots"]] == [
        ("OLD", "expired"),
        ("SOON", "expires soon"),
        ("FINE", ""),
    ]


def test_a_practitioner_reads_the_catalogue_but_does_not_change_it(client_for, paula, harbour):
    product = ProductFactory(clinic=harbour)
    client = client_for(paula)
    assert client.get(reverse("inventory:products")).status_code == 200
    assert client.get(reverse("inventory:product-edit", args=[product.pk])).status_code == 403


def products_and_lots(clinic, count):
    for _ in range(count):
        product = ProductFactory(clinic=clinic)
        LotFactory(product=product)
        LotFactory(product=product)


def test_the_product_list_query_count_does_not_grow(
    client_for, alice, harbour, django_assert_num_queries
):
    client = client_for(alice)
    products_and_lots(harbour, 1)
    # 1 session, 2 user, 3 their second factor, 4 products with their stock, 5 their ingredients
    with django_assert_num_queries(5):
        client.get(reverse("inventory:products"))
    products_and_lots(harbour, 2)
    with django_assert_num_queries(5):
        response = client.get(reverse("inventory:products"))
    assert len(response.context["products"]) == 3


def test_the_lot_list_query_count_does_not_grow(
    client_for, alice, harbour, django_assert_num_queries
):
    client = client_for(alice)
    products_and_lots(harbour, 1)
    # 1 session, 2 user, 3 their second factor, 4 lots with their product
    with django_assert_num_queries(4):
        client.get(reverse("inventory:lots"))
    products_and_lots(harbour, 2)
    with django_assert_num_queries(4):
        response = client.get(reverse("inventory:lots"))
    assert len(response.context["lots"]) == 6


def test_each_ingredient_is_read_into_the_ingredient_vocabulary(harbour):
    product = with_ingredients(
        ProductFactory(clinic=harbour),
        (ATC, "N01BB02", "lidocaine"),
        "Fosfatidilholin (soja)",
        "Organik silisyum",
        "Mannitol",
    )
    assert [i.vocabulary for i in product.ingredients.all()] == [
        ["lidocaine"],
        ["phosphatidylcholine", "soy"],
        ["organic silicon"],
        [],
    ]
