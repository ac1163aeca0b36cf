"""Behind our reverse proxy every member keeps their own address (rate limits, signature evidence),
and nobody can pick an address by sending X-Forwarded-For when no proxy of ours is declared."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from compagnon.core.client_ip import clean_ip, client_ip
from compagnon.core.tests.factories import member_with_activity

LOGIN = "/accounts/login/"
PASSWORD = "the-right-password-1"
NGINX = "127.0.0.1"  # every request reaches the app from the proxy on the same machine


def request(remote="192.0.2.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, None, "192.0.2.1"),
        (0, "203.0.113.7", "192.0.2.1"),  # no proxy declared: the header is never believed
        (1, None, "192.0.2.1"),  # a request that did not come through the proxy
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "10.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client wrote the left entry itself
        (2, "10.6.6.6, 203.0.113.7, 198.51.100.2", "203.0.113.7"),  # load balancer + nginx
        (2, "203.0.113.7", "203.0.113.7"),  # shorter than the count: our proxies wrote all of it
        (1, "203.0.113.7:51234", "203.0.113.7"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, " 2001:DB8::7 ", "2001:db8::7"),
        (1, "not-an-address", None),
    ],
)
def test_the_client_is_the_entry_our_outermost_proxy_wrote(count, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_ip(request(forwarded=forwarded)) == expected


def test_addresses_are_normalised():
    assert clean_ip("198.51.100.4:8080") == "198.51.100.4"
    assert clean_ip("") is None


def test_allauth_and_the_api_follow_the_same_count():
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_portal_evidence_records_the_client_behind_the_proxy():
    from compagnon.portal.views import _client_meta

    meta = _client_meta(request(remote=NGINX, forwarded="203.0.113.7"))
    assert meta["ip"] == "203.0.113.7"


# --- login rate limits (allauth's defaults: 10 failed logins a minute per address) -----------------


def verified_member(email):
    member, _ = member_with_activity(user__email=email)
    member.user.set_password(PASSWORD)
    member.user.save()
    EmailAddress.objects.create(user=member.user, email=email, verified=True, primary=True)
    return member.user


def fail_ten_logins(client, **meta):
    for n in range(10):
        client.post(LOGIN, {"login": f"guess{n}@example.org", "password": "wrong-guess"}, **meta)


def logs_in(user, **meta) -> bool:
    client = Client()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, **meta)
    if "_auth_user_id" in client.session:
        return True
    assert "too many" in response.content.decode().lower()  # refused by the limit, not the password
    return False


@pytest.mark.django_db
@override_settings(ACCOUNT_RATE_LIMITS={}, TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_two_members_behind_one_proxy_have_their_own_login_limits():
    ana = verified_member("ana@example.org")
    bob = verified_member("bob@example.org")
    ana_desk = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "198.51.100.10"}
    bob_desk = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    fail_ten_logins(Client(), **ana_desk)  # someone at Ana's address guesses ten times
    assert not logs_in(ana, **ana_desk)  # that address is stopped for a minute…
    assert logs_in(bob, **bob_desk)  # …Bob, behind the same proxy, is not


@pytest.mark.django_db
@override_settings(ACCOUNT_RATE_LIMITS={}, TRUSTED_PROXY_COUNT=0, ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_a_declared_proxy_a_made_up_forwarded_header_changes_nothing():
    ana = verified_member("ana@example.org")
    bob = verified_member("bob@example.org")
    attacker = Client()
    for n in range(10):
        attacker.post(
            LOGIN,
            {"login": f"guess{n}@example.org", "password": "wrong-guess"},
            REMOTE_ADDR="198.51.100.66",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",  # a new "address" at every try
        )
    # The attacker's real address is stopped, whatever the header says…
    assert not logs_in(ana, REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="203.0.113.99")
    # …and claiming Bob's address does not stop Bob.
    assert logs_in(bob, REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="198.51.100.66")
