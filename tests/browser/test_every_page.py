"""Every page as every role, on a phone (390 px) and a desktop (1280 px): nothing wider than the
screen, and zero axe-core violations (WCAG 2.1 A and AA).

axe-core comes from the npm registry, pinned and checked by its SHA-256, fetched once into
var/axe/ (MPL-2.0; `npm pack axe-core@VERSION`), and run in the page by Playwright, which is
not bound by the page's Content-Security-Policy.
"""

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS, WAIT_MS, sign_in
from tests.factories import PASSWORD
from tests.test_security_sweep import ADDRESSES, ADMIN, CLINICAL, PATIENT, PUBLIC, STAFF, h  # noqa: F401 — h is a fixture

pytestmark = pytest.mark.browser

AXE_VERSION = "4.10.3"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"
AXE_FILE = Path(__file__).resolve().parents[2] / "var" / "axe" / f"axe-{AXE_VERSION}.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
# Pages that are not pages: files, feeds, machine answers, sign-in steps already passed.
NOT_PAGES = {
    "scheduling:feed",
    "scheduling:course-ical",
    "scheduling:appointment-ical",
    "otp_webauthn:js-i18n-catalog",
    "patients:codes",
    "second-factor",
    "second-factor-enrol",
    "portal:intake-link",
    "password_reset_confirm",
    "treatments:photo",
    "treatments:photo-thumbnail",
    "treatments:consent-pdf",
    "treatments:session-pdf",
    "portal:preparation-pdf",
    "portal:aftercare-pdf",
    "portal:aftercare-ical",
    "followup:report-photo",
    "outcomes:report-csv",
}
# Pages a role reaches but may not use, which say so (a plan is edited by its practitioner).
REFUSED = {"alice": {"treatments:plan"}}
ROLES = {
    "alice": {ADMIN, CLINICAL, STAFF},
    "paula": {CLINICAL, STAFF},
    "rita": {STAFF},
    "pat": {PATIENT},
    "anonymous": {PUBLIC},
}


def axe_source():
    """axe-core's minified script, fetched from the npm registry once and checked."""
    if not AXE_FILE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("no npm to fetch axe-core from the registry")
        with tempfile.TemporaryDirectory() as folder:
            fetched = subprocess.run(
                [npm, "pack", f"axe-core@{AXE_VERSION}", "--silent", "--pack-destination", folder],
                capture_output=True,
                timeout=120,
                check=False,
            )
            if fetched.returncode != 0:
                pytest.skip(
                    f"npm could not fetch axe-core {AXE_VERSION}: {fetched.stderr[-300:]!r}"
                )
            with tarfile.open(Path(folder) / f"axe-core-{AXE_VERSION}.tgz") as archive:
                member = archive.extractfile("package/axe.min.js")
                assert member is not None
                script = member.read()
        AXE_FILE.parent.mkdir(parents=True, exist_ok=True)
        AXE_FILE.write_bytes(script)
    script = AXE_FILE.read_bytes()
    assert hashlib.sha256(script).hexdigest() == AXE_SHA256, f"{AXE_FILE} is not axe {AXE_VERSION}"
    return script.decode()


def pages_for(who):
    allowed = ROLES[who]
    return sorted(
        name
        for name, (method, may, _) in ADDRESSES.items()
        if method == "get"
        and may in allowed
        and name not in NOT_PAGES
        and not name.startswith(("api:", "fhir:"))
    ) + ([] if who == "anonymous" else ["home"])


def check(page, url, script, width, refused=False):
    """The page's problems: its status, overflow and axe-core violations."""
    response = page.goto(url)
    problems = []
    if response is None or (response.status >= 400) != refused:
        problems.append(f"answered {response.status if response else 'nothing'}")
    # A phone widens its layout to the content, so the page is measured against the screen.
    wide = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )
    if wide > width + 1:
        problems.append(f"{wide}px wide on a {width}px screen")
    page.evaluate(script)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    for violation in result["violations"]:
        targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:3]]
        problems.append(f"{violation['id']}: {violation['help']} at {targets}")
    return problems


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", list(ROLES))
def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, request, h, who):  # noqa: F811
    script = axe_source()
    found = {}
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=size == "phone"
        )
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        if who != "anonymous":
            sign_in(page, live_server, who, PASSWORD)
        for name in pages_for(who):
            url = live_server.url + (ADDRESSES[name][2](h) if name != "home" else "/")
            problems = check(page, url, script, width, name in REFUSED.get(who, ()))
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shot = f"every-page-{who}-{size}-{name.replace(':', '-')}.png"
            page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
            if problems:
                found[f"{size} {name}"] = problems
        context.close()
    assert found == {}, json.dumps(found, indent=1)


@pytest.mark.django_db(transaction=True)
def test_the_weeks_header_fits_its_columns_on_a_phone(phone_page, live_server, h, screenshot):  # noqa: F811
    sign_in(phone_page, live_server, "rita", PASSWORD)
    phone_page.goto(live_server.url + "/clinic/calendar/?view=week&date=2026-11-30")
    overflowing = phone_page.evaluate(
        """() => [...document.querySelectorAll('.calendar-grid th, .calendar-grid .appt')]
            .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
            .map(cell => cell.innerText)"""
    )
    screenshot(phone_page, "calendar-week-phone")
    assert overflowing == []
