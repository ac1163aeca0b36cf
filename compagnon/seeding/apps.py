from django.apps import AppConfig


class SeedingConfig(AppConfig):
    """seed_demo, seed_scale and demo_logins: the top floor, composing each context's demo.py and
    scale.py in order."""

    name = "compagnon.seeding"
    verbose_name = "Seeding"
