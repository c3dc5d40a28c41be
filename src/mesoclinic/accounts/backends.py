"""Authentication that loads the user's clinic with the user: every page shows and filters by it."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from mesoclinic.accounts.models import User


class ClinicUserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.select_related("clinic").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
