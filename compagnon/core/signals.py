"""Signals the kernel sends and the contexts above it listen to (the kernel imports no context).

``language_chosen``: a logged-in user picked a UI language (``core.views.set_language``); keyword
arguments ``user`` and ``language``. ``compagnon.accounts`` keeps it in the user's profile.
"""

from django.dispatch import Signal

language_chosen = Signal()
