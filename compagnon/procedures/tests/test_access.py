"""Who sees what, through the pages and the API: drafts for their author, the trade's referents
and the staff; procedures in force in their entity, elsewhere only when shared; photos served only
to those who see them; lists cost a fixed number of queries."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from .. import services
from ..models import Photo
from .helpers import auth, coop, draft, in_force

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), (40, 120, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def c():
    c = coop()
    c["draft"] = draft(c, title="Camille's private draft")
    c["procedure"] = in_force(c, by="ines", title="Lawn mowing")
    return c


def test_a_draft_is_read_by_its_author_the_referents_and_the_staff_only(client, c):
    procedure = c["draft"].procedure
    page = reverse("procedures-detail", args=[procedure.pk])
    version = reverse("procedures-version", args=[procedure.pk, c["draft"].pk])
    api = reverse("api-procedure-version-detail", args=[c["draft"].pk])
    for who, code in (("camille", 200), ("yanis", 200), ("admin", 200), ("advisor", 200), ("accountant", 200),
                      ("ines", 404), ("outsider", 404), ("foreign_admin", 404)):
        client.force_login(c[who])
        assert client.get(version).status_code == code, who
        assert client.get(page).status_code in ((302,) if code == 200 else (404,)), who
        assert client.get(api, **auth(c[who])).status_code == code, who
        assert "Camille&#x27;s private draft" not in client.get(reverse("procedures-index")).content.decode()


def test_procedures_in_force_stay_in_their_entity_unless_shared(client, c):
    procedure = c["procedure"]
    url = reverse("procedures-detail", args=[procedure.pk])
    api = reverse("api-procedure-detail", args=[procedure.pk])
    for who in ("camille", "yanis", "ines", "advisor", "admin", "accountant"):
        client.force_login(c[who])
        assert client.get(url).status_code == 200, who
        assert "Lawn mowing" in client.get(reverse("procedures-index")).content.decode(), who
    for who in ("outsider", "foreign_admin"):
        client.force_login(c[who])
        assert client.get(url).status_code == 404
        assert client.get(api, **auth(c[who])).status_code == 404
        assert "Lawn mowing" not in client.get(reverse("procedures-index"), {"q": "lawn"}).content.decode()
        assert client.get(reverse("api-procedure-list"), {"q": "lawn"}, **auth(c[who])).json()["count"] == 0
        assert client.post(reverse("procedures-propose", args=[procedure.pk])).status_code == 404
    proposal = services.propose_version(actor=c["camille"], procedure=procedure)
    services.submit(actor=c["camille"], version=proposal)
    services.review(actor=c["yanis"], version=proposal, decision="validate", shared=True)
    client.force_login(c["outsider"])
    assert client.get(url).status_code == 200
    assert client.get(api, **auth(c["outsider"])).json()["title"] == "Lawn mowing"
    assert client.get(reverse("api-procedure-list"), {"q": "lawn"}, **auth(c["outsider"])).json()["count"] == 1
    old = reverse("procedures-version", args=[procedure.pk, procedure.current_id])
    assert client.get(old).status_code == 200  # an earlier validated version stays readable


def test_visible_versions_one_may_not_change_answer_403(client, c):
    procedure = c["draft"].procedure
    client.force_login(c["yanis"])
    assert client.get(reverse("procedures-edit", args=[procedure.pk, c["draft"].pk])).status_code == 403
    response = client.patch(reverse("api-procedure-version-detail", args=[c["draft"].pk]),
                            {"title": "x", "steps": [{"text": "y"}]}, content_type="application/json",
                            **auth(c["yanis"]))
    assert response.status_code == 403
    client.force_login(c["ines"])
    current = c["procedure"].current
    assert client.post(reverse("procedures-decide", args=[c["procedure"].pk, current.pk]),
                       {"decision": "validate"}).status_code == 403


def test_step_photos_are_resized_and_served_to_readers_only(client, c):
    client.force_login(c["camille"])
    procedure = c["draft"].procedure
    response = client.post(reverse("procedures-edit", args=[procedure.pk, c["draft"].pk]), {
        "title": "With a photo", "trade": c["gardening"].pk, "kind": "maintenance",
        "step_text_0": "Sharpen the blade.", "step_photo_0": SimpleUploadedFile("blade.jpg", jpeg(), "image/jpeg")})
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Photo.objects.get(procedure=procedure)
    with photo.file.open("rb") as f, Image.open(f) as image:
        assert max(image.size) == 1600
    url = reverse("procedures-photo", args=[photo.pk])

    def status(who):
        client.force_login(c[who])
        response = client.get(url)
        if response.status_code == 200:
            assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
        return response.status_code

    for who, code in (("camille", 200), ("yanis", 200), ("ines", 404), ("outsider", 404)):
        assert status(who) == code, who
    client.force_login(c["camille"])
    bad = client.post(reverse("procedures-edit", args=[procedure.pk, c["draft"].pk]), {
        "title": "With a photo", "trade": c["gardening"].pk, "kind": "maintenance",
        "step_text_0": "Sharpen the blade.", "step_keep_0": str(photo.pk),
        "step_photo_0": SimpleUploadedFile("notes.txt", b"not an image", "text/plain")})
    assert bad.status_code == 400
    assert "Photos must be JPEG, PNG or WebP images." in bad.content.decode()
    assert "Sharpen the blade." in bad.content.decode()


def test_lists_cost_a_fixed_number_of_queries(client, c, django_assert_max_num_queries):
    for n in range(12):
        in_force(c, title=f"Procedure {n}", by="camille")
    client.force_login(c["ines"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("procedures-index")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("procedures-index"), {"q": "procedure"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api-procedure-list"), **auth(c["ines"])).status_code == 200


def test_bad_filters_answer_400_naming_the_parameter(client, c):
    client.force_login(c["camille"])
    response = client.get(reverse("procedures-index"), {"kind": "dance"})
    assert response.status_code == 400 and "kind" in response.content.decode()
    assert client.get(reverse("api-procedure-list"), {"trade": "-1"}, **auth(c["camille"])).status_code == 400
