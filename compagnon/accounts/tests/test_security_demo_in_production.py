"""Demo accounts never exist in production (issue 9, point 2)."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import override_settings

from compagnon.accounts.demo_guard import demo_users_exist
from compagnon.accounts.models import User
from compagnon.core.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def make_user(email, password="a-long-password-1", **extra):
    user = User.objects.create_user(email=email, password=password, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@override_settings(PRODUCTION=True)
def test_seed_demo_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="DJANGO_ENV=production"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_exits_non_zero_with_a_clear_message_in_production(capsys):
    from django.core.management import execute_from_command_line

    with override_settings(PRODUCTION=True), pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "seed_demo"])
    assert exit_info.value.code != 0
    assert "Refusing to load demo data" in capsys.readouterr().err


def test_demo_users_are_the_flagged_ones_and_the_demo_coop_logins():
    MemberFactory()
    assert not demo_users_exist()
    make_user("someone@demo.coop")
    assert demo_users_exist()
    User.objects.filter(email="someone@demo.coop").delete()
    assert not demo_users_exist()
    make_user("someone@example.org", is_demo=True)
    assert demo_users_exist()


def reload_wsgi():
    import compagnon.wsgi

    importlib.reload(compagnon.wsgi)


def test_a_production_web_process_refuses_to_start_while_a_demo_user_exists():
    make_user("admin@demo.coop", is_demo=True)
    reload_wsgi()  # development: serves
    with override_settings(PRODUCTION=True):
        with pytest.raises(ImproperlyConfigured, match="demo account"):
            reload_wsgi()
        with pytest.raises(SystemCheckError, match="accounts.E001"):
            call_command("check", "--deploy", "--database", "default")
        User.objects.filter(is_demo=True).delete()
        reload_wsgi()  # no demo account left: serves


@override_settings(PRODUCTION=True)
def test_a_demo_user_cannot_log_in_in_production(client):
    make_user("member1@demo.coop", password="demo-password-1", is_demo=True)
    response = client.post(
        "/accounts/login/", {"login": "member1@demo.coop", "password": "demo-password-1"}
    )
    assert response.status_code == 200
    assert "Demo accounts cannot log in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # a real account logs in as usual
    make_user("real@example.org", password="demo-password-1")
    response = client.post(
        "/accounts/login/", {"login": "real@example.org", "password": "demo-password-1"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_outside_production_the_demo_logs_in(client):
    make_user("member1@demo.coop", password="demo-password-1", is_demo=True)
    response = client.post(
        "/accounts/login/", {"login": "member1@demo.coop", "password": "demo-password-1"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session
