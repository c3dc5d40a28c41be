"""Markup and addresses for long lists of entries match Django's own."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from mesoclinic.scheduling.links import address_of_each, entry_html

VALUES = [
    'Zoë <b>O\'Neil</b> & "Co"',
    mark_safe("<em>kept</em>"),
    gettext_lazy("Room <1>"),
    42,
    None,
    "",
]


def test_an_entry_is_escaped_exactly_as_format_html_escapes_it():
    template = '<div class="{}">{} · {} · {} · {} · {}</div>'
    written = entry_html(template, *VALUES)
    assert (written, type(written)) == (format_html(template, *VALUES), SafeString)
    assert written == (
        '<div class="Zoë &lt;b&gt;O&#x27;Neil&lt;/b&gt; &amp; &quot;Co&quot;">'
        "<em>kept</em> · Room &lt;1&gt; · 42 · None · </div>"
    )


def test_an_address_for_each_entry_is_the_routes_own():
    assert address_of_each("scheduling:appointment").format(7) == reverse(
        "scheduling:appointment", args=[7]
    )
