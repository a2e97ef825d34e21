import pytest

from tests.factories import make_user


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # Production serves the hashed files collectstatic lists; tests read them straight from static/.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = None


@pytest.fixture
def user(db):
    return make_user("member", first_name="Morgan")


@pytest.fixture
def signed_in_client(client, user):
    client.force_login(user)
    return client
