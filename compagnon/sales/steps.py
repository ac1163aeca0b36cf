"""What later contexts add to issuing a document, without sales importing them.

Sales sits below e-invoicing, payments, the portal and collections: they import sales (its models,
its services), sales never imports them. Issuing still has to run their steps — the e-invoice must
pass the official rules before a number is kept, a credit note settles the invoice it corrects, the
archived PDF carries the e-invoice. Those contexts register their steps here from their
``AppConfig.ready()``, the same shape as the client timeline (``clients.selectors.register_timeline``):

* ``register_preparation(name, fn)`` — ``fn(document)`` runs before issuing takes any lock, to
  prepare what is slow to prepare (compiling the e-invoice rule sets); it must not write.
* ``register_issue_step(name, fn, order)`` — ``fn(document, *, actor, lines, totals)`` runs inside
  the issuing transaction once the document is numbered and frozen, before it is booked. Raising
  ``ValidationError`` refuses the issue: everything rolls back, the number included.
* ``on_issued(name, fn, order)`` — ``fn(document, *, actor)`` runs in the same transaction after the
  document is booked (e.g. payments applies a credit note to the invoice it corrects).
* ``register_pdf_step(name, fn, order)`` — ``fn(document, pdf_bytes) -> pdf_bytes`` runs when the
  PDF of an issued document is archived (e-invoicing embeds or archives its XML).

Steps run in ascending ``order``, then by name; registering a name again replaces the step (so
``ready()`` may run twice). Names read ``context.what`` (``einvoice.check``). Steps of a later
context may import sales freely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    name: str
    fn: Callable
    order: int = 100


_PREPARATIONS: dict[str, Step] = {}
_ISSUE_STEPS: dict[str, Step] = {}
_ON_ISSUED: dict[str, Step] = {}
_PDF_STEPS: dict[str, Step] = {}


def _register(registry: dict[str, Step], name: str, fn: Callable, order: int) -> Callable:
    registry[name] = Step(name, fn, order)
    return fn


def _ordered(registry: dict[str, Step]) -> list[Step]:
    return sorted(registry.values(), key=lambda step: (step.order, step.name))


def register_preparation(name: str, fn: Callable, order: int = 100) -> Callable:
    return _register(_PREPARATIONS, name, fn, order)


def register_issue_step(name: str, fn: Callable, order: int = 100) -> Callable:
    return _register(_ISSUE_STEPS, name, fn, order)


def on_issued(name: str, fn: Callable, order: int = 100) -> Callable:
    return _register(_ON_ISSUED, name, fn, order)


def register_pdf_step(name: str, fn: Callable, order: int = 100) -> Callable:
    return _register(_PDF_STEPS, name, fn, order)


def issue_steps() -> list[str]:
    """The names of the registered steps, in the order issuing runs them (for docs and tests)."""
    return [s.name for s in _ordered(_PREPARATIONS) + _ordered(_ISSUE_STEPS) + _ordered(_ON_ISSUED)]


def prepare_issue(document) -> None:
    for step in _ordered(_PREPARATIONS):
        step.fn(document)


def run_issue_steps(document, *, actor, lines, totals) -> None:
    for step in _ordered(_ISSUE_STEPS):
        step.fn(document, actor=actor, lines=lines, totals=totals)


def run_on_issued(document, *, actor) -> None:
    for step in _ordered(_ON_ISSUED):
        step.fn(document, actor=actor)


def run_pdf_steps(document, pdf: bytes) -> bytes:
    for step in _ordered(_PDF_STEPS):
        pdf = step.fn(document, pdf)
    return pdf
