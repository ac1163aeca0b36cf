"""The house has floors: the kernel (core) imports no context, organisation < accounts < members,
and the top floor (home, seeding) is imported by nobody but the URL configuration.

What used to be imports pointing up now goes through hooks the upper app registers: accepting a
member invitation (accounts) creates the member profile (members), choosing a language (core)
is kept in the user's profile (accounts)."""

import ast
from pathlib import Path

import pytest

import compagnon

PACKAGE = Path(compagnon.__file__).resolve().parent
CONTEXTS = {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}


def _imported_apps(app: str) -> dict[str, set[str]]:
    """{module path: apps of compagnon it imports}, for the app's code (tests and migrations
    aside), imports inside functions included."""
    found = {}
    for path in (PACKAGE / app).rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        apps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "compagnon" and len(parts) > 1 and parts[1] in CONTEXTS:
                    apps.add(parts[1])
        apps.discard(app)
        if apps:
            found[str(rel)] = apps
    return found


def _offenders(app: str, forbidden: set[str]) -> dict[str, list[str]]:
    return {
        module: sorted(apps & forbidden)
        for module, apps in _imported_apps(app).items()
        if apps & forbidden
    }


def test_the_kernel_imports_no_context():
    assert _offenders("core", CONTEXTS - {"core"}) == {}


def test_the_kernel_does_not_reach_contexts_through_the_permission_module():
    # compagnon.permissions reads accounts, organisation and members: it sits above them
    for path in (PACKAGE / "core").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        assert "from compagnon import permissions" not in source, path
        assert "compagnon.permissions" not in source, path


@pytest.mark.parametrize(
    ("app", "above"),
    [
        ("organisation", {"accounts", "members"}),
        ("accounts", {"members"}),
    ],
)
def test_people_contexts_import_downwards_only(app, above):
    assert _offenders(app, above) == {}


def test_nothing_but_the_url_configuration_imports_the_top_floor():
    top = {"home", "seeding"}
    offenders = {
        app: _offenders(app, top) for app in CONTEXTS - top if _offenders(app, top)
    }
    assert offenders == {}


def test_each_scale_module_imports_its_own_app_and_lower_ones_only():
    for path in PACKAGE.glob("*/scale*.py"):
        source = path.read_text(encoding="utf-8")
        assert "compagnon.seeding" not in source and "compagnon.home" not in source, path


def test_members_registers_what_a_member_invitation_grants(monkeypatch):
    from django.apps import apps

    from compagnon.accounts import hooks
    from compagnon.members.services import member_from_invitation

    monkeypatch.setattr(hooks, "MEMBER_INVITATION_HANDLERS", [])
    apps.get_app_config("members").ready()
    apps.get_app_config("members").ready()  # twice, as in tests: registered once
    assert hooks.MEMBER_INVITATION_HANDLERS == [member_from_invitation]


def test_a_member_invitation_cannot_be_accepted_without_the_members_app(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from compagnon.accounts import hooks

    monkeypatch.setattr(hooks, "MEMBER_INVITATION_HANDLERS", [])
    with pytest.raises(ImproperlyConfigured):
        hooks.member_invitation_accepted(invitation=None, user=None)
