"""The catalogue through the JSON API and `mesoclinic products` / `receive-lot`."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mesoclinic.inventory.models import ATC, Lot, Product
from tests.inventory.factories import LotFactory, ProductFactory, with_ingredients

pytestmark = pytest.mark.usefixtures("frozen_now")


def test_the_admin_adds_a_product_and_receives_a_lot_through_the_api(client_for, alice, harbour):
    client = client_for(alice)
    body = {
        "name": "Lidocaine 4% cream",
        "form": "cream",
        "ingredients": ["atc:N01BB02 lidocaine"],
        "numbing": True,
    }
    added = client.post("/api/v1/inventory/products", body, content_type="application/json")
    product = Product.objects.get()
    assert (added.status_code, added.json()) == (
        201,
        {
            "id": product.pk,
            "name": "Lidocaine 4% cream",
            "manufacturer": "",
            "form": "cream",
            "unit": "unit",
            "ingredients": [
                {"name": "lidocaine", "system": ATC, "code": "N01BB02", "known_as": ["lidocaine"]}
            ],
            "prescription_only": False,
            "off_label_note": "",
            "numbing": True,
            "active": True,
            "in_stock": 0,
        },
    )
    again = client.post("/api/v1/inventory/products", body, content_type="application/json")
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "The catalogue already has a product named 'Lidocaine 4% cream'."},
    )
    lot = {"number": "LC-1", "expires": "2026-12-15", "quantity": 5}
    received = client.post(
        f"/api/v1/inventory/products/{product.pk}/lots", lot, content_type="application/json"
    )
    assert (received.status_code, received.json()) == (
        201,
        {
            "id": Lot.objects.get().pk,
            "product": product.pk,
            "product_name": "Lidocaine 4% cream",
            "number": "LC-1",
            "expires": "2026-12-15",
            "quantity_received": 5,
            "quantity_left": 5,
            "status": "available",
            "status_reason": "",
            "received_on": "2026-11-21",
            "expiry": "expires soon",
        },
    )


def test_bad_api_input_says_what_and_where(client_for, alice, harbour):
    client = client_for(alice)
    body = {"name": "X", "form": "cream", "ingredients": ["loinc:1 x"]}
    refused = client.post("/api/v1/inventory/products", body, content_type="application/json")
    assert (refused.status_code, refused.json(), Product.objects.count()) == (
        422,
        {
            "detail": "Ingredient line 1: 'loinc' is not a code system; use sct:CODE, "
            "rxnorm:CODE, atc:CODE, unii:CODE."
        },
        0,
    )
    lot = LotFactory(product__clinic=harbour)
    status = client.post(
        f"/api/v1/inventory/lots/{lot.pk}/status",
        {"status": "quarantined"},
        content_type="application/json",
    )
    assert (status.status_code, status.json()) == (
        422,
        {"detail": "Say why the lot is quarantined."},
    )


def test_another_clinics_admin_finds_none_of_the_catalogue(client_for, charlie, harbour):
    lot = LotFactory(product__clinic=harbour)
    client = client_for(charlie)
    assert (
        client.get("/api/v1/inventory/products").json(),
        client.get("/api/v1/inventory/lots").json(),
        client.post(
            f"/api/v1/inventory/lots/{lot.pk}/status",
            {"status": "recalled", "reason": "x"},
            content_type="application/json",
        ).status_code,
    ) == ([], [], 404)


def test_products_prints_the_catalogue_with_its_lots(harbour, capsys):
    product = with_ingredients(
        ProductFactory(clinic=harbour, name="Lidocaine cream", form="cream", numbing=True),
        (ATC, "N01BB02", "lidocaine"),
    )
    lot = LotFactory(product=product, number="LC-1", quantity_received=8, quantity_left=3)
    call_command("products", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "clinic": harbour.pk,
        "products": [
            {
                "id": product.pk,
                "name": "Lidocaine cream",
                "manufacturer": "Lumen Dermal Labs",
                "form": "cream",
                "unit": "vial of 5 mL",
                "ingredients": [
                    {
                        "name": "lidocaine",
                        "system": ATC,
                        "code": "N01BB02",
                        "known_as": ["lidocaine"],
                    }
                ],
                "prescription_only": False,
                "off_label_note": "",
                "numbing": True,
                "active": True,
                "in_stock": 3,
                "lots": [
                    {
                        "id": lot.pk,
                        "product": product.pk,
                        "product_name": "Lidocaine cream",
                        "number": "LC-1",
                        "expires": "2027-06-30",
                        "quantity_received": 8,
                        "quantity_left": 3,
                        "status": "available",
                        "status_reason": "",
                        "received_on": "2026-11-02",
                        "expiry": "",
                    }
                ],
            }
        ],
    }


def test_receive_lot_stocks_a_lot_by_product_name(harbour, capsys):
    product = ProductFactory(clinic=harbour, name="Vitamin cocktail")
    call_command(
        "receive-lot",
        "vitamin cocktail",
        "--lot=VC-9",
        "--expires=2027-02-28",
        "--quantity=6",
        "--json",
    )
    printed = json.loads(capsys.readouterr().out)
    assert (printed["product"], printed["number"], printed["quantity_left"]) == (
        product.pk,
        "VC-9",
        6,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Unknown", "--lot=1", "--expires=2027-01-01", "--quantity=1"],
            "No product 'Unknown' in this clinic; give its id or its exact name.",
        ),
        (
            ["Vitamin cocktail", "--lot=1", "--expires=2027-01-01", "--quantity=0"],
            "A lot is received with at least one unit, not 0.",
        ),
    ],
)
def test_receive_lot_says_what_was_wrong(harbour, args, message):
    ProductFactory(clinic=harbour, name="Vitamin cocktail")
    with pytest.raises(CommandError) as refused:
        call_command("receive-lot", *args)
    assert str(refused.value) == message
