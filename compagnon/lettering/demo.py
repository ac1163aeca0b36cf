"""The demo books lettered: what the demo payments link (seed_demo calls this after payments)."""

from .automatic import letter_entity


def seed_demo_lettering(entities) -> int:
    return sum(letter_entity(entity).lettered for entity in entities)
