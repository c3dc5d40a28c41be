"""Django for a benchmark: a throwaway SQLite database in a temporary folder, never a real one."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def set_up_django(folder: Path) -> None:
    """Point mesoclinic at a new SQLite database under `folder` and start Django."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MESOCLINIC_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
