"""The garbage collector is paused inside an import and left as it was found afterwards."""

import gc

import pytest

from mesoclinic.fhir.collector import collector_paused


@pytest.fixture
def collector_as_found():
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled_before", [True, False])
def test_paused_inside_and_as_before_after(collector_as_found, enabled_before):
    gc.enable() if enabled_before else gc.disable()

    with collector_paused():
        inside = gc.isenabled()

    assert (inside, gc.isenabled()) == (False, enabled_before)


@pytest.mark.parametrize("enabled_before", [True, False])
def test_as_before_after_a_failure_inside(collector_as_found, enabled_before):
    gc.enable() if enabled_before else gc.disable()

    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the import failed half-way")

    assert gc.isenabled() == enabled_before
