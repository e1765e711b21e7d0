"""The people of the news tests, one of each role (provinces, officers and staff come from
tests/conftest.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory


@pytest.fixture
def leader(liege):
    return MembershipFactory(
        user=UserFactory(email="leader@example.org"), project__province=liege
    ).user


@pytest.fixture
def people(officer, namur_officer, staff, leader):
    return {
        "anonymous": AnonymousUser(),
        "plain": UserFactory(email="plain@example.org"),
        "leader": leader,
        "officer_liege": officer,
        "officer_namur": namur_officer,
        "staff": staff,
    }
