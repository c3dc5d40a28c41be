"""Escaping for markup written in Python where a page writes hundreds of values."""

import html


def escaped(value: object) -> str:
    """`conditional_escape` without its check for lazy text: safe markup kept, the rest escaped
    by the standard library (which escapes what Django's own escape does)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
