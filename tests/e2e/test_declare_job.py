"""A member declares a job in one form on a phone (360 px, in French) and sees the checklist:
the client found, the quote drafted waiting for their OK, the dates reserved, the insurance cover
waiting for the advisor. No horizontal scroll; no script error.

The system Chromium only (/usr/bin/chromium, the session's browser of conftest.py); without it
the test is skipped with the reason. Needs ``compagnon.jobs`` installed and its URLs included.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.jobs.models import Job, JobStep
from compagnon.jobs.tests.helpers import day, world

from .test_field_visit import _logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_declares_a_job_in_one_form_and_sees_the_checklist(browser, live_server):
    w = world()
    context = _logged_in(browser, live_server, w.member.user)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))

    page.goto(reverse("jobs-list"))
    page.locator(f"a[href='{reverse('jobs-new')}']").first.click()
    page.wait_for_selector("main form button[type=submit]")
    assert page.evaluate("document.documentElement.lang").startswith("fr")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.select_option("#id_client", str(w.client.pk))
    page.fill("#id_description", "Repeindre la cuisine")
    page.fill("#id_amount", "1200")
    page.fill("#id_starts_on", day(10).isoformat())
    page.fill("#id_ends_on", day(12).isoformat())
    page.fill("#id_street", "4 rue des Lilas")
    page.fill("#id_postcode", "44000")
    page.fill("#id_city", "Nantes")
    page.locator("main form button[type=submit]").click()

    page.wait_for_selector("#checklist")
    steps = {li.get_attribute("data-step"): li.get_attribute("data-state")
             for li in page.locator("#checklist > li").all()}
    assert steps == {"client": "done", "document": "waiting", "planning": "done", "insurance": "waiting"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    job = Job.objects.get()
    assert job.description == "Repeindre la cuisine" and job.reservation is not None

    page.locator("#checklist > li[data-step=document] form[action$='/ok/'] button").click()
    page.wait_for_selector("#checklist > li[data-step=document][data-state=done]")
    assert JobStep.objects.get(job=job, kind="document").state == "done"
    assert not problems, problems
    context.close()  # before the live server stops: no request of this page left in flight
