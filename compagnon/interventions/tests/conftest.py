def pytest_collection_modifyitems(items):
    """Browser tests run last (as in tests/e2e/conftest.py): once Playwright has started, an asyncio
    loop stays running in the main thread until the session ends, which would break later tests."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
