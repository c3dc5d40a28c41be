"""Sources are shown by the clinic's title for each document, with the file name as a detail."""

import pytest
from django.urls import reverse

from mesoclinic.clinical.protocols import all_protocols
from mesoclinic.clinical.sources import TITLES
from tests.scheduling.factories import pregnant


def test_every_document_a_protocol_cites_has_a_title():
    cited = {source.document for protocol in all_protocols() for source in protocol.sources()}
    assert cited - set(TITLES) == set()


@pytest.mark.usefixtures("frozen_now")
def test_the_chart_names_a_findings_source_by_its_title(client_for, paula, pat):
    pregnant(pat)
    page = client_for(paula).get(reverse("chart", args=[pat.pk])).content.decode()
    assert '<small class="hint source">' in page
    titled = [title for document, title in TITLES.items() if f"({document})" in page]
    assert titled, "a finding names its document by title, the file name in brackets"
    for document, title in TITLES.items():
        if f"({document})" in page:
            assert f'{title} <span class="source-file">({document})</span>' in page


def test_pages_write_one_date_format_per_kind():
    """Dates as "Mon 2 Nov 2026", with a time as "Mon 2 Nov 2026 09:00"; a month as "Nov 2026",
    a calendar column as "Mon 2 Nov", a time alone as "09:00"."""
    import re
    from pathlib import Path

    import mesoclinic

    formats = {
        match
        for path in Path(mesoclinic.__file__).parent.rglob("*.html")
        for match in re.findall(r'\|date:"([^"]*)"', path.read_text())
    }
    assert formats <= {"D j M Y", "D j M Y H:i", "D j M Y H:i:s", "M Y", "D j M", "H:i", "Y-m-d"}
