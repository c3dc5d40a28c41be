"""The clinical core is plain Python: it never imports Django, so it runs anywhere, fast."""

import ast
import subprocess
import sys
from pathlib import Path

import mesoclinic.clinical

CLINICAL = Path(mesoclinic.clinical.__file__).parent


def clinical_modules() -> list[str]:
    modules = []
    for path in CLINICAL.rglob("*.py"):
        parts = path.relative_to(CLINICAL).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        modules.append(".".join(("mesoclinic", "clinical", *parts)))
    return sorted(modules)


def test_importing_every_clinical_module_loads_no_django():
    imports = "; ".join(f"import {module}" for module in clinical_modules())
    found = "sorted(m for m in sys.modules if m.split('.')[0] == 'django')"
    script = f"{imports}; import sys; print({found})"

    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "[]"


def test_no_clinical_file_names_django_in_an_import():
    offenders = []
    for path in CLINICAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [
                f"{path.name}: {name}" for name in names if name.split(".")[0] == "django"
            ]

    assert offenders == []


def test_the_scan_covers_every_engine():
    assert {
        "mesoclinic.clinical.screening",
        "mesoclinic.clinical.preparation",
        "mesoclinic.clinical.aftercare",
        "mesoclinic.clinical.courses",
        "mesoclinic.clinical.effects",
        "mesoclinic.clinical.protocols",
        "mesoclinic.clinical.valuesets",
    } <= set(clinical_modules())
