"""Demo accounts never exist in production.

Demo users are made by ``seed_demo`` (and ``seed_scale``) with ``is_demo=True``, password "demo",
and a ``@demo.coop`` login: anyone who reads the README can log in with them. In production
(``DJANGO_ENV=production``, i.e. ``settings.PRODUCTION``):

- ``seed_demo`` refuses to run (:func:`refuse_in_production`);
- the web process refuses to start while any demo user exists (:func:`refuse_to_serve`, called by
  ``compagnon/wsgi.py`` and ``compagnon/asgi.py``), and ``manage.py check --deploy --database
  default`` reports it (:func:`demo_users_check`, registered in ``AccountsConfig.ready``);
- a demo user cannot log in (``accounts.forms.LoginForm`` and ``AccountAdapter.pre_login``).
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.db.models import Q
from django.utils.translation import gettext as _

DEMO_DOMAIN = "demo.coop"


def demo_users():
    from .models import User

    return User.objects.filter(Q(is_demo=True) | Q(email__iendswith=f"@{DEMO_DOMAIN}"))


def demo_users_exist() -> bool:
    return demo_users().exists()


def is_demo_user(user) -> bool:
    return bool(
        getattr(user, "is_demo", False)
        or (getattr(user, "email", "") or "").lower().endswith(f"@{DEMO_DOMAIN}")
    )


def refuse_in_production() -> None:
    """Called first by ``seed_demo``: a clear message and a non-zero exit in production."""
    if settings.PRODUCTION:
        raise CommandError(
            "Refusing to load demo data with DJANGO_ENV=production: demo accounts have a public "
            "password. Run seed_demo only on a development or staging database."
        )


def production_problem() -> str | None:
    """The reason this production database must not be served, or None."""
    count = demo_users().count()
    if not count:
        return None
    return (
        f"{count} demo account(s) exist (is_demo or @{DEMO_DOMAIN} logins, public password "
        "'demo'). This database was loaded with demo data (seed_demo or seed_scale): serve "
        "production from a database that never had it, since the demo cooperative's members, "
        "clients and invoices come with those accounts."
    )


def refuse_to_serve() -> None:
    """Called when a production web process starts: no demo account may exist."""
    if not settings.PRODUCTION:
        return
    try:
        problem = production_problem()
    except DatabaseError:
        # No users table yet (before the first migrate): no demo account either. A database that
        # cannot be reached fails the first request anyway.
        return
    if problem:
        raise ImproperlyConfigured("Refusing to serve with demo accounts in production: " + problem)


def demo_users_check(app_configs=None, databases=None, **kwargs):
    """``manage.py check --deploy --database default`` reports demo accounts in production."""
    if not settings.PRODUCTION or not databases or "default" not in databases:
        return []
    try:
        problem = production_problem()
    except DatabaseError:
        return []
    if not problem:
        return []
    return [checks.Error(problem, id="accounts.E001")]


def login_refusal_message() -> str:
    return _(
        "Demo accounts cannot log in on this site: it runs in production. Log in with your own "
        "account, or ask an administrator for an invitation."
    )
