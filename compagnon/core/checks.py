"""Start-up safety checks for production.

``unsafe_production_settings`` is run by settings.py (settings only, no database). Checks that need
the database run when the web process starts: ``compagnon.accounts.demo_guard.refuse_to_serve``
(no demo account), called from wsgi.py/asgi.py, and reported by ``check --deploy --database default``.
"""

DEV_MARKERS = ("dev-only", "insecure", "change-me", "changeme")


def unsafe_production_settings(s: dict) -> list[str]:
    """Return the reasons why these settings must not serve real users (empty list = safe)."""
    problems = []
    key = s.get("SECRET_KEY") or ""
    if len(key) < 50 or any(marker in key.lower() for marker in DEV_MARKERS) or len(set(key)) < 5:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters.")
    if s.get("DEBUG"):
        problems.append("DEBUG must be off (unset DEBUG or set DEBUG=0).")
    hosts = s.get("ALLOWED_HOSTS") or []
    if not hosts or "*" in hosts:
        problems.append("ALLOWED_HOSTS must list the host names the site answers to (no '*').")
    if s.get("EMAIL_BACKEND", "").endswith("console.EmailBackend"):
        problems.append(
            "EMAIL_URL must point to a real mail server (e.g. submission://user:pass@host:587)."
        )
    backend = ((s.get("CACHES") or {}).get("default") or {}).get("BACKEND", "")
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        problems.append(
            "CACHE_URL must name a cache shared by every worker (unset for the database cache, or "
            "redis://host:6379/0): rate limits would otherwise count per process."
        )
    if s.get("FIELD_PAYMENT_PROVIDER") == "local":
        problems.append(
            "FIELD_PAYMENT_PROVIDER=local takes no real money (demo only): set it to mollie with "
            "MOLLIE_API_KEY, or leave it empty."
        )
    if s.get("FIELD_PAYMENT_PROVIDER") == "mollie" and not s.get("MOLLIE_API_KEY"):
        problems.append("FIELD_PAYMENT_PROVIDER=mollie needs MOLLIE_API_KEY.")
    return problems
