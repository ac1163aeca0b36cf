"""The official rule sets are compiled outside any lock: before issuing takes the document and
numbering locks, or when a web or worker process starts; never while the counter row is held."""

import pytest

from compagnon.einvoice import apps, validation
from compagnon.einvoice.tests import scenarios
from compagnon.sales import services as sales_services
from compagnon.sales import steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def cold_process(monkeypatch):
    """A process that has compiled nothing yet (the real cache comes back after the test)."""
    monkeypatch.setattr(validation, "_compiled", {})
    monkeypatch.setattr(validation, "compilations", 0)


def test_the_first_issue_compiles_before_the_counter_lock_and_the_second_compiles_nothing(cold_process, monkeypatch):
    at_counter_lock = []
    next_number = sales_services._next_number

    def spy(document, today):
        next_number(document, today)  # the counter row is locked from here to the commit
        at_counter_lock.append(validation.compilations)

    monkeypatch.setattr(sales_services, "_next_number", spy)
    first = scenarios.fr_b2b_several_rates()
    compiled = validation.compilations
    assert compiled > 0  # the cold start did happen…
    assert at_counter_lock == [compiled]  # …all of it before the counter row was locked
    assert first.einvoice.passed
    scenarios.fr_b2b_several_rates()
    assert validation.compilations == compiled  # issuing again compiles nothing


def test_issuing_prepares_through_the_registered_step():
    assert steps.issue_steps()[:2] == ["einvoice.prepare_rules", "einvoice.check"]
    assert "payments.apply_credit_note" in steps.issue_steps()


def test_the_warm_up_compiles_every_rule_set_an_issue_needs_once(cold_process):
    apps.start_warm_up().join(timeout=120)
    compiled = validation.compilations
    assert compiled == len(validation.default_rule_sets("ubl", peppol=True)
                           + validation.default_rule_sets("cii", french=True)) - len(
        [n for n in validation.missing_rule_sets() if n in validation.RULE_SETS])
    scenarios.be_b2b_two_rates()
    scenarios.fr_b2b_several_rates()
    assert validation.compilations == compiled


@pytest.mark.parametrize("argv, env, expected", [
    (["/srv/.venv/bin/gunicorn", "compagnon.wsgi"], {}, True),
    (["manage.py", "db_worker"], {}, True),
    (["manage.py", "runserver"], {}, True),
    (["manage.py", "migrate"], {}, False),
    (["/srv/.venv/bin/pytest"], {}, False),
    (["manage.py", "export_einvoices"], {}, False),
    (["manage.py", "migrate"], {"COMPAGNON_PREPARE_RULES": "1"}, True),
    (["/srv/.venv/bin/gunicorn"], {"COMPAGNON_PREPARE_RULES": "0"}, False),
])
def test_only_web_and_worker_processes_warm_up_at_start(argv, env, expected):
    assert apps.is_server_process(argv, env) is expected
