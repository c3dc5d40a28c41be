"""How a product lists its ingredients: one a line, coded where a code exists."""

from dataclasses import dataclass

from mesoclinic.inventory.models import CODE_SYSTEMS

NOT_A_SYSTEM = "Ingredient line {line}: {prefix!r} is not a code system; use {systems}."
NO_NAME = "Ingredient line {line}: a coded ingredient needs its name after the code."


class IngredientsUnreadable(ValueError):
    """An ingredient line names no known code system, or a code without its name."""


@dataclass(frozen=True)
class IngredientLine:
    """One ingredient as a product lists it: its name, and its code where one exists."""

    name: str
    code_system: str = ""
    code: str = ""


def ingredient_lines(text: str) -> list[IngredientLine]:
    """Read one ingredient a line: "lidocaine", or coded, "atc:N01BB02 lidocaine"."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        first, _, rest = line.partition(" ")
        prefix, colon, code = first.partition(":")
        if not colon or "//" in code:
            lines.append(IngredientLine(line))
            continue
        if prefix.lower() not in CODE_SYSTEMS:
            systems = ", ".join(f"{name}:CODE" for name in CODE_SYSTEMS)
            raise IngredientsUnreadable(
                NOT_A_SYSTEM.format(line=number, prefix=prefix, systems=systems)
            )
        if not rest.strip():
            raise IngredientsUnreadable(NO_NAME.format(line=number))
        lines.append(IngredientLine(rest.strip(), CODE_SYSTEMS[prefix.lower()], code.strip()))
    return lines
