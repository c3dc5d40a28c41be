"""Who acted: a signed-in user, or nobody for the command line and anonymous visitors."""

from django.contrib.auth.models import AnonymousUser

from mesoclinic.accounts.models import signed_in_user


def test_only_a_signed_in_user_counts_as_someone(paula):
    assert [signed_in_user(who) for who in (paula, AnonymousUser(), None)] == [paula, None, None]
