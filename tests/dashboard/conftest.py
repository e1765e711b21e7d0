"""Two provinces in a known order, and the hand-counted world of the dashboard's tests."""

import pytest

from tests.dashboard.factories import world_build
from tests.territoires.factories import ProvinceFactory


@pytest.fixture
def liege():
    return ProvinceFactory(name="Liège", slug="liege", code="LG", order=1)


@pytest.fixture
def namur():
    return ProvinceFactory(name="Namur", slug="namur", code="NA", order=2)


@pytest.fixture
def world(liege, namur):
    return world_build(liege, namur)
