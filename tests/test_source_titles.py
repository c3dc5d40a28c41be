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
