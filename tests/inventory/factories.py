"""Catalogue factories: products with their ingredients, and lots."""

import datetime as dt

import factory

from mesoclinic.inventory.models import Ingredient, Lot, Product
from tests import factories


class ProductFactory(factory.django.DjangoModelFactory):
    """An injectable with no ingredient; give it some with `with_ingredients`."""

    class Meta:
        model = Product

    clinic = factory.SubFactory(factories.ClinicFactory)
    name = factory.Sequence(lambda n: f"Cocktail {n}")
    manufacturer = "Lumen Dermal Labs"
    form = "injectable"
    unit = "vial of 5 mL"


def with_ingredients(product, *ingredients):
    """Give `product` its ingredients: names, or (system, code, name) triples."""
    for position, ingredient in enumerate(ingredients):
        system, code, name = ingredient if isinstance(ingredient, tuple) else ("", "", ingredient)
        Ingredient.objects.create(
            product=product, position=position, name=name, code_system=system, code=code
        )
    return product


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    product = factory.SubFactory(ProductFactory)
    clinic = factory.SelfAttribute("product.clinic")
    number = factory.Sequence(lambda n: f"LOT-{n:04d}")
    expires = dt.date(2027, 6, 30)
    quantity_received = 10
    quantity_left = factory.SelfAttribute("quantity_received")
    received_on = dt.date(2026, 11, 2)
