"""On site: the member attaches a procedure in force to the intervention sheet, ticks its items on
the phone with the sheet's own saving (queued offline, conflicts refused), and the sheet keeps the
version used after newer versions are in force."""

import pytest
from django.urls import reverse

from compagnon.core.tests.factories import TradeFactory
from compagnon.interventions import services as sheet_services
from compagnon.interventions.tests.helpers import world

from .. import services
from ..models import SheetChecklist, Tick
from .helpers import STEPS, auth

pytestmark = pytest.mark.django_db

QUEUED = {"HTTP_X_COMPAGNON_QUEUED": "1"}


@pytest.fixture
def w():
    w = world()
    w.trade = TradeFactory(code="gardening-t", name_en="Gardening")
    w.member.trades.add(w.trade)
    services.name_referent(actor=w.admin, entity=w.entity, trade=w.trade, member=w.colleague)
    version = services.create_procedure(actor=w.colleague.user, entity=w.entity, trade=w.trade, kind="maintenance",
                                        title="Hedge trimming", steps=STEPS)
    services.submit(actor=w.colleague.user, version=version)
    services.review(actor=w.colleague.user, version=version, decision="validate")
    w.procedure = version.procedure
    w.procedure.refresh_from_db()
    w.sheet = sheet_services.ensure_sheet(actor=w.member.user, visit=w.visit)
    return w


def _save(client, w, ticks, base=None, **extra):
    sheet = w.sheet
    sheet.refresh_from_db()
    checklist = SheetChecklist.objects.get(sheet=sheet)
    data = {"base": base if base is not None else sheet.version, "edit_key": "phone-1", "minutes": "60",
            "remarks": "", "procedure_checklist": str(checklist.pk),
            f"procedure_tick_{checklist.pk}": [str(t) for t in ticks], **extra}
    return client.post(reverse("interventions-sheet-save", args=[sheet.pk]), data, **QUEUED)


def test_the_member_attaches_a_procedure_and_ticks_it_with_the_sheet(client, w):
    client.force_login(w.member.user)
    visit_url = reverse("interventions-visit", args=[w.visit.pk])
    page = client.get(visit_url).content.decode()
    assert "Add a procedure as a checklist" in page and "★ Hedge trimming" in page
    response = client.post(reverse("procedures-sheet-attach", args=[w.sheet.pk]), {"procedure": w.procedure.pk})
    assert response.status_code == 302
    page = client.get(visit_url).content.decode()
    checklist = SheetChecklist.objects.get(sheet=w.sheet)
    assert f'name="procedure_tick_{checklist.pk}"' in page  # inside the sheet's form: saved and queued with it
    steps = list(checklist.version.steps.filter(to_tick=True))
    assert len(steps) == 2
    response = _save(client, w, [steps[0].pk])
    assert response.status_code == 200, response.content
    assert list(Tick.objects.filter(checklist=checklist).values_list("step_id", flat=True)) == [steps[0].pk]
    response = _save(client, w, [])
    assert response.status_code == 200
    assert not Tick.objects.filter(checklist=checklist).exists()


def test_ticks_from_a_phone_that_missed_a_change_are_refused_like_the_sheet(client, w):
    client.force_login(w.member.user)
    checklist = services.attach_checklist(actor=w.member.user, sheet=w.sheet, procedure=w.procedure)
    step = checklist.version.steps.filter(to_tick=True).first()
    w.sheet.refresh_from_db()
    stale = w.sheet.version - 1
    response = _save(client, w, [step.pk], base=stale)
    assert response.status_code == 409
    assert not Tick.objects.exists()
    assert _save(client, w, [999999]).status_code == 400  # not a step of this checklist


def test_the_sheet_keeps_the_version_used(client, w):
    checklist = services.attach_checklist(actor=w.member.user, sheet=w.sheet, procedure=w.procedure)
    first = checklist.version
    step = first.steps.filter(to_tick=True).first()
    services.set_ticks(actor=w.member.user, checklist=checklist, done=[step.pk])
    sheet_services.update_sheet(actor=w.member.user, sheet=w.sheet, minutes=60)
    sheet_services.validate_sheet(actor=w.member.user, sheet=w.sheet, client_signs_later=True)
    proposal = services.propose_version(actor=w.member.user, procedure=w.procedure)
    services.save_draft(actor=w.member.user, version=proposal, title="Hedge trimming v2",
                        steps=[{"text": "A new first step.", "to_tick": True}])
    services.submit(actor=w.member.user, version=proposal)
    services.review(actor=w.colleague.user, version=proposal, decision="validate")
    client.force_login(w.member.user)
    page = client.get(reverse("interventions-visit", args=[w.visit.pk])).content.decode()
    assert "Hedge trimming (version 1)" in page and "a newer version is in force now" in page
    assert "A new first step." not in page
    assert client.get(reverse("procedures-version", args=[w.procedure.pk, first.pk])).status_code == 200


def test_the_api_lists_and_ticks_checklists_of_the_sheets_one_sees(client, w):
    token = auth(w.member.user)
    response = client.post(reverse("api-procedure-checklist-list"), {"sheet": w.sheet.pk,
                                                                     "procedure": w.procedure.pk},
                           content_type="application/json", **token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["version_number"] == 1 and len(data["items"]) == 2
    tick = client.post(reverse("api-procedure-checklist-ticks", args=[data["id"]]),
                       {"done": [data["items"][1]["step"]]}, content_type="application/json", **token)
    assert tick.status_code == 200 and [i["done"] for i in tick.json()["items"]] == [False, True]
    outsider = auth(w.outsider.user)
    assert client.get(reverse("api-procedure-checklist-detail", args=[data["id"]]), **outsider).status_code == 404
    assert client.post(reverse("api-procedure-checklist-ticks", args=[data["id"]]), {"done": []},
                       content_type="application/json", **outsider).status_code == 404
    assert client.post(reverse("api-procedure-checklist-list"), {"sheet": w.sheet.pk, "procedure": w.procedure.pk},
                       content_type="application/json", **outsider).status_code == 404
    colleague = auth(w.colleague.user)  # sees the sheet (same sector), may not fill it
    assert client.post(reverse("api-procedure-checklist-ticks", args=[data["id"]]), {"done": []},
                       content_type="application/json", **colleague).status_code == 403
