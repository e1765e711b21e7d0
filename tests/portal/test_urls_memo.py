"""Remembered addresses: what ``reverse`` gives, for the URLconf and script prefix in force."""

from django.test import override_settings
from django.urls import reverse, set_script_prefix

from portal.urls_memo import slug_url


def test_a_remembered_address_is_what_reverse_gives_in_each_setting():
    name = "territoires:province_detail"
    assert slug_url(name, "liege") == reverse(name, kwargs={"slug": "liege"})
    assert slug_url(name, "namur") == reverse(name, kwargs={"slug": "namur"})
    set_script_prefix("/portail/")
    try:
        assert slug_url(name, "liege") == reverse(name, kwargs={"slug": "liege"})
        assert slug_url(name, "liege").startswith("/portail/")
    finally:
        set_script_prefix("/")
    assert slug_url(name, "liege") == reverse(name, kwargs={"slug": "liege"})


@override_settings(ROOT_URLCONF="tests.portal.urls_memo_other")
def test_another_urlconf_is_another_address():
    assert slug_url("territoires:province_detail", "liege") == "/ailleurs/liege/"
