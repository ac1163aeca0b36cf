"""The demo data: appointments past and future, next steps, a review template and a done review,
an open request; an absence only where a second advisor can relay. Seeding twice adds nothing."""

import pytest

from ..demo import seed_demo_advising
from ..models import (
    Absence,
    Appointment,
    AppointmentState,
    NextStep,
    Review,
    ReviewState,
    ReviewTemplate,
)
from .helpers import coop

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_follow_up_once():
    c = coop()
    out = seed_demo_advising([c["entity"]])
    assert out == {"templates": 1, "appointments": 6, "steps": 6, "reviews": 1, "requests": 1, "absences": 1}
    first = c["camille"]
    assert Appointment.objects.filter(member=first, state=AppointmentState.PLANNED).count() == 1
    assert Appointment.objects.filter(member=first, state=AppointmentState.HELD, notes_shared=True).exists()
    assert Review.objects.get(member=first).state == ReviewState.DONE
    assert NextStep.objects.filter(member=first, done_at__isnull=False).count() == 1
    assert ReviewTemplate.objects.get(entity=c["entity"]).questions.count() == 7
    absence = Absence.objects.get()
    assert absence.advisor == c["advisor"] and absence.relay == c["relay"]
    assert seed_demo_advising([c["entity"]]) == {k: 0 for k in out}
    assert Appointment.objects.count() == 6


def test_without_a_second_advisor_no_absence_is_made():
    c = coop()
    c["relay"].role_assignments.all().delete()
    out = seed_demo_advising([c["entity"]])
    assert out["absences"] == 0 and not Absence.objects.exists()
