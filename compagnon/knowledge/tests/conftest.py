from .helpers import fresh_help_links  # noqa: F401 - the page-key map starts empty in every test
