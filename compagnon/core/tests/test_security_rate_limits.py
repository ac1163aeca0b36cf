"""Rate limits count across processes, and nobody locks a member out at will (issue 9, point 6)."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import override_settings

from compagnon.accounts.models import User
from compagnon.core.cache_url import CacheUrlError, caches_from_url
from compagnon.core.checks import unsafe_production_settings

pytestmark = pytest.mark.django_db


def test_the_default_cache_is_shared_by_every_process():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    # Two "processes": two independent cache objects on the same table see each other's counts.
    config = settings.CACHES["default"]
    worker_a = DatabaseCache(config["LOCATION"], {})
    worker_b = DatabaseCache(config["LOCATION"], {})
    worker_a.set("rl:login:203.0.113.7", [1, 2, 3], 60)
    assert worker_b.get("rl:login:203.0.113.7") == [1, 2, 3]
    assert caches["default"].get("rl:login:203.0.113.7") == [1, 2, 3]


def test_cache_url_choices_and_a_clear_error_without_the_redis_package():
    assert caches_from_url(None)["default"]["LOCATION"] == "compagnon_cache"
    redis = caches_from_url("redis://127.0.0.1:6379/0", redis_available=True)["default"]
    assert redis == {
        "BACKEND": "compagnon.core.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
    with pytest.raises(CacheUrlError, match="pip install redis"):
        caches_from_url("redis://127.0.0.1:6379/0", redis_available=False)
    with pytest.raises(CacheUrlError, match="not supported"):
        caches_from_url("memcached://x")


def test_the_redis_cache_keeps_one_client_per_connection_pool():
    from compagnon.core.redis_cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first  # no new client object per call (nothing is sent yet)
    assert cache._cache.get_client("c", write=True) is first  # one server: reads and writes share its pool
    assert first.connection_pool is cache._cache._get_connection_pool(False)


def test_production_refuses_a_per_process_cache():
    problems = unsafe_production_settings({"CACHES": caches_from_url("locmem://")})
    assert any("CACHE_URL" in p for p in problems)
    assert not any("CACHE_URL" in p for p in unsafe_production_settings({"CACHES": caches_from_url("")}))


@override_settings(ACCOUNT_RATE_LIMITS={})  # allauth's limits, as in production
def test_hammering_one_email_from_one_address_does_not_lock_its_owner_out(client):
    user = User.objects.create_user(email="ana@example.org", password="the-right-password-1")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    attacker = {"REMOTE_ADDR": "198.51.100.66"}
    for _ in range(6):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong-guess"}, **attacker)
    blocked = client.post(
        "/accounts/login/", {"login": user.email, "password": "the-right-password-1"}, **attacker
    )
    assert "_auth_user_id" not in client.session
    assert "too many" in blocked.content.decode().lower()  # the attacker's address is stopped …
    owner = client.post(
        "/accounts/login/",
        {"login": user.email, "password": "the-right-password-1"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert owner.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)  # … not her
