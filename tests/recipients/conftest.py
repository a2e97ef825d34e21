import pytest


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator.user)
    return client
