"""The screening benchmark runs standalone and reports patients per second."""

import re
import subprocess
import sys

from tests.shared import ROOT


def test_the_benchmark_runs_from_a_checkout_and_prints_its_rate_and_a_bare_pass():
    script = ROOT / "bench" / "bench_screening.py"

    printed = subprocess.run(
        [sys.executable, str(script), "--patients", "200", "--runs", "1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert re.fullmatch(
        r"screen under standard: 200 patients \([\d,]+ records\), median of 1 runs: "
        r"[\d,]+ patients/s\n"
        r"bare pass over the same records: [\d,]+ patients/s; screening [\d.]+×\n",
        printed,
    )
