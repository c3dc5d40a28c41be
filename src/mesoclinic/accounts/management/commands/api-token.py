"""`mesoclinic api-token USERNAME`: print a new API token for a staff member, or revoke theirs."""

import datetime as dt
from typing import Any

from django.core.management.base import CommandError

from mesoclinic.accounts.models import TokenScope, User
from mesoclinic.accounts.tokens import (
    DEFAULT_LIFETIME,
    TokenRefused,
    api_token_create,
    api_token_revoke_all,
)
from mesoclinic.commands import ReportCommand


class Command(ReportCommand):
    help = "Print a new API token for a staff user (shown once), or revoke all of theirs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="revoke every token of the user")
        parser.add_argument(
            "--scopes",
            default=TokenScope.READ.value,
            help=f"what the token may do, comma-separated: {', '.join(TokenScope.values)}",
        )
        parser.add_argument(
            "--days", type=int, default=DEFAULT_LIFETIME.days, help="days until it expires"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        if options["revoke"]:
            count = api_token_revoke_all(user)
            document = {"username": user.username, "revoked": count}
            self.report(options, document, f"Revoked {count} token(s) of {user.username}.")
            return
        try:
            token = api_token_create(
                user,
                scopes=options["scopes"].split(","),
                lifetime=dt.timedelta(days=options["days"]),
            )
        except TokenRefused as refused:
            raise CommandError(str(refused)) from None
        self.report(options, {"username": user.username, "token": token}, token)
