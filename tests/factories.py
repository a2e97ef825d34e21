"""Plain `make_*` helpers that build test data through the models, as the app would."""

from django.contrib.auth import get_user_model

PASSWORD = "a-long-test-password"


def make_user(username="member", **fields):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
