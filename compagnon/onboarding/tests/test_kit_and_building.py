"""The kit (templates, contacts, who does what) for the members of its entity; building paths and
the kit for administrators only, through the pages and the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.accounts.models import Role, SupportService
from compagnon.core.tests.factories import staff

from .. import building
from ..models import KitFile, Path, Step
from .helpers import auth, coop

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = coop()
    c["legal"] = staff(Role.SUPPORT, c["entity"], service=SupportService.LEGAL)
    c["file"] = building.add_kit_file(actor=c["admin"], entity=c["entity"], title="Quote template",
                                      uploaded_file=SimpleUploadedFile("quote.odt", b"template"))
    building.save_contact(actor=c["admin"], entity=c["entity"], name="Reception", role="Meeting room",
                          email="reception@coop.example")
    building.save_contact(actor=c["admin"], entity=c["entity"], name="Office 2 desk", role="Keys",
                          phone="0102030405", office=c["office2"])
    return c


def test_the_kit_shows_templates_contacts_and_who_does_what(client, c):
    client.force_login(c["lou"].user)
    body = client.get(reverse("onboarding-kit")).content.decode()
    assert "Quote template" in body and "Reception" in body and "Office 2 desk" not in body
    assert str(c["legal"]) in body and str(c["advisor"]) in body
    assert reverse("support-new") + "?service=legal" in body
    r = client.get(reverse("onboarding-kit-file", args=[c["file"].pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"template"
    data = client.get(reverse("api-onboarding-kit-list"), **auth(c["lou"].user)).json()
    assert [f["title"] for f in data["files"]] == ["Quote template"]
    legal = next(s for s in data["services"] if s["code"] == "legal")
    assert legal["people"][0]["id"] == c["legal"].pk and legal["ask_url"].endswith("?service=legal")
    client.force_login(c["far"].user)
    assert "Office 2 desk" in client.get(reverse("onboarding-kit")).content.decode()
    client.force_login(c["outsider"].user)
    assert client.get(reverse("onboarding-kit-file", args=[c["file"].pk])).status_code == 404
    assert "Quote template" not in client.get(reverse("onboarding-kit")).content.decode()
    assert client.get(reverse("api-onboarding-kit-list"), {"entity": c["entity"].pk},
                      **auth(c["outsider"].user)).json()["entity"] == c["outsider"].entity_id


def test_only_administrators_build_paths_and_the_kit(client, c):
    step = c["steps"][0]
    pages = [reverse("onboarding-paths"), reverse("onboarding-path", args=[c["path"].pk]),
             reverse("onboarding-step-edit", args=[c["path"].pk, step.pk]), reverse("onboarding-step-new",
                                                                                   args=[c["path"].pk])]
    for user in (c["lou"].user, c["advisor"], c["accountant"], c["legal"], c["foreign_admin"]):
        client.force_login(user)
        for url in pages[1:]:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("onboarding-step-remove", args=[c["path"].pk, step.pk])).status_code == 404
        assert client.get(reverse("api-onboarding-path-detail", args=[c["path"].pk]),
                          **auth(user)).status_code == 404
        assert client.post(reverse("onboarding-kit-file-remove", args=[c["file"].pk])).status_code == 404
    client.force_login(c["lou"].user)
    assert client.get(reverse("onboarding-paths")).status_code == 404
    assert client.get(reverse("onboarding-kit-manage")).status_code == 404
    client.force_login(c["admin"])
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("onboarding-kit-manage")).status_code == 200


def test_building_a_path_on_the_pages(client, c):
    client.force_login(c["admin"])
    r = client.post(reverse("onboarding-path-new"), {"entity": c["entity"].pk, "maturity": "new", "title_en": "Dup"})
    assert r.status_code == 400 and "already has a path" in r.content.decode()
    r = client.post(reverse("onboarding-path-new"), {"entity": c["entity"].pk, "maturity": "developing",
                                                     "title_fr": "", "intro_fr": "Texte gardé"})
    assert r.status_code == 400 and "Texte gardé" in r.content.decode()
    r = client.post(reverse("onboarding-path-new"), {"entity": c["entity"].pk, "maturity": "developing",
                                                     "title_fr": "Deuxième année"})
    path = Path.objects.get(maturity="developing")
    assert r.status_code == 302
    url = reverse("onboarding-step-new", args=[path.pk])
    r = client.post(url, {"kind": "meeting", "title_en": "Yearly review"})
    assert r.status_code == 400 and "when or where" in r.content.decode()
    assert client.post(url, {"kind": "meeting", "title_en": "Yearly review", "meeting_place": "Office"}).status_code == 302
    r = client.post(url, {"kind": "sign", "title_en": "Charter",
                          "file": SimpleUploadedFile("charter.pdf", b"%PDF charter")})
    assert r.status_code == 302
    second = Step.objects.get(path=path, title_en="Charter")
    r = client.post(reverse("onboarding-step-move", args=[path.pk, second.pk]), {"direction": "up"})
    assert r.status_code == 302
    assert list(Step.objects.filter(path=path).order_by("position").values_list("title_en", flat=True)) == [
        "Charter", "Yearly review"]


def test_paths_and_steps_through_the_api(client, c):
    token = auth(c["admin"])
    r = client.post(reverse("api-onboarding-path-list"), {"maturity": "established", "title_en": "Old hands"},
                    content_type="application/json", **token)
    assert r.status_code == 201
    pk = r.json()["id"]
    r = client.post(reverse("api-onboarding-step-list"), {"path": pk, "kind": "task", "title_en": "Mentor someone"},
                    content_type="application/json", **token)
    assert r.status_code == 201
    step_pk = r.json()["id"]
    r = client.patch(reverse("api-onboarding-step-detail", args=[step_pk]), {"title_en": "Mentor a new member"},
                     content_type="application/json", **token)
    assert r.status_code == 200 and r.json()["title_en"] == "Mentor a new member"
    r = client.post(reverse("api-onboarding-step-list"), {"path": pk, "kind": "nonsense", "title_en": "x"},
                    content_type="application/json", **token)
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    detail = client.get(reverse("api-onboarding-path-detail", args=[pk]), **token).json()
    assert [s["title_en"] for s in detail["steps"]] == ["Mentor a new member"]
    assert client.delete(reverse("api-onboarding-step-detail", args=[step_pk]), **token).status_code == 204
    r = client.post(reverse("api-onboarding-path-list"), {"maturity": "established", "title_en": "x",
                                                          "entity": c["other_entity"].pk},
                    content_type="application/json", **token)
    assert r.status_code == 404
    assert client.get(reverse("api-onboarding-path-list"), **auth(c["advisor"])).json()["count"] == 0


def test_my_steps_api_marks_done_and_stays_mine(client, c):
    explain = c["steps"][0]
    token = auth(c["lou"].user)
    data = client.get(reverse("api-onboarding-mine-list"), **token).json()
    assert data["total_count"] == 4 and data["steps"][0]["is_next"]
    data = client.post(reverse("api-onboarding-mine-done", args=[explain.pk]), **token).json()
    assert data["done_count"] == 1 and data["steps"][0]["done_at"]
    r = client.post(reverse("api-onboarding-mine-done", args=[c["steps"][2].pk]), **token)
    assert r.status_code == 400
    r = client.post(reverse("api-onboarding-mine-done", args=[explain.pk]), **auth(c["outsider"].user))
    assert r.status_code == 404
    assert client.get(reverse("api-onboarding-mine-list"), **auth(c["advisor"])).status_code == 404
    assert KitFile.objects.count() == 1
