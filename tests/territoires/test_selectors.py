"""The territorial officers as the public sees them: a name and a role, never an address."""

import pytest

from territoires.selectors import officer_cards
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(liege, namur):
    anne = UserFactory(email="anne.cachee@example.org", first_name="Anne", last_name="Lambert")
    nameless = UserFactory(email="sans.nom@example.org", first_name="", last_name="")
    gone = UserFactory(email="partie@example.org", last_name="Zorro", is_active=False)
    liege.officers.add(anne, nameless, gone)
    namur.officers.add(anne)
    return {"anne": anne, "nameless": nameless, "gone": gone}


def test_cards_carry_a_name_and_a_role_never_an_address(liege, officers):
    cards = officer_cards(liege)

    assert [(card.name, card.role) for card in cards] == [
        ("Anne Lambert", "Chargé·e de mission territoriale"),
        ("", "Chargé·e de mission territoriale"),
    ]
    assert cards[0].provinces == ("Liège", "Namur")
    assert cards[1].provinces == ("Liège",)
    assert "@" not in repr(cards)


def test_cards_read_alone_take_one_query_and_match_the_prefetched_ones(
    liege, officers, django_assert_num_queries
):
    from territoires.models import Province
    from territoires.selectors import officers_prefetch

    prefetched = officer_cards(
        Province.objects.prefetch_related(officers_prefetch()).get(pk=liege.pk)
    )
    with django_assert_num_queries(1):
        alone = officer_cards(liege)
    assert alone == prefetched
