from .helpers import gardener  # noqa: F401  (fixture)
