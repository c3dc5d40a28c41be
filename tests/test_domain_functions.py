"""Every write in a domain module is callable by any caller: keyword-only plain values, `by=`."""

import importlib
import inspect
import pkgutil
import typing

import pytest
from django import forms
from django.http import HttpRequest

import mesoclinic


def domain_modules():
    """Every `domain` module and every module of a `domain` package in mesoclinic."""
    for info in pkgutil.walk_packages(mesoclinic.__path__, "mesoclinic."):
        parts = info.name.split(".")
        if "domain" in parts:
            yield importlib.import_module(info.name)


def public_functions(module):
    """The functions a module defines itself, without a leading underscore."""
    return [
        function
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    ]


DOMAIN_FUNCTIONS = [
    pytest.param(function, id=f"{module.__name__}.{function.__name__}")
    for module in domain_modules()
    for function in public_functions(module)
]
# No acting user: reads shared with the writes (the buttons a page offers, the times a move
# offers; taking the booking
# lock; refusing a taken time), the invitation a save sends on commit, an intake link, which
# whoever holds it uses up, the outbox, which queues what a change (audited there) sends, and a
# failed sign-in, where no one is signed in; and a draft's lock, taken by the change that needs it.
WITHOUT_ACTOR = {
    "status_changes",
    "session_move_times",
    "clinic_lock",
    "refuse_taken",
    "overlap_refused",
    "account_invite",
    "intake_link_take",
    "email_queue",
    "account_email_queue",
    "sign_in_failure_audit",
    "lock_unsigned",
}
NOT_PLAIN = (forms.BaseForm, forms.BaseFormSet, HttpRequest)


def test_the_domain_modules_are_found():
    names = {param.id for param in DOMAIN_FUNCTIONS}
    assert {
        "mesoclinic.scheduling.domain.courses.course_book",
        "mesoclinic.clinics.domain.room_save",
    } <= names


@pytest.mark.parametrize("function", DOMAIN_FUNCTIONS)
def test_arguments_are_keyword_only_and_plain(function):
    parameters = inspect.signature(function).parameters.values()
    hints = typing.get_type_hints(function)
    keywords = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD)
    assert [p.name for p in parameters if p.kind not in keywords] == []
    for parameter in parameters:
        for kind in typing.get_args(hints[parameter.name]) or (hints[parameter.name],):
            assert not (inspect.isclass(kind) and issubclass(kind, NOT_PLAIN)), parameter.name


@pytest.mark.parametrize("function", DOMAIN_FUNCTIONS)
def test_the_acting_user_is_called_by(function):
    if function.__name__ in WITHOUT_ACTOR:
        return
    assert "by" in inspect.signature(function).parameters
