"""The member fills the intervention sheet on the phone; the client signs; validation takes the
supplies out of the stock and tells the invoicing (signal after commit)."""

import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from compagnon.interventions import services, services_stock, signals
from compagnon.interventions.models import Sheet, SheetPhoto, SheetState, StockMovement

from .helpers import jpeg, visit_for, world

pytestmark = pytest.mark.django_db
QUEUED = {"HTTP_X_COMPAGNON_QUEUED": "1"}
STROKES = json.dumps([[[10, 10], [50, 60], [120, 40]], [[200, 100], [260, 120]]])


def _open(client, w):
    client.force_login(w.member.user)
    assert client.get(reverse("interventions-visit", args=[w.visit.pk])).status_code == 200
    return Sheet.objects.get(visit=w.visit)


def _save(client, sheet, **data):
    base = {
        "base": sheet.version,
        "edit_key": "phone-1",
        "minutes": "90",
        "remarks": "RAS",
        "green_waste_kg": "12,5",
        "done": [t.pk for t in sheet.tasks.all()],
    }
    base.update(data)
    return client.post(reverse("interventions-sheet-save", args=[sheet.pk]), base, **QUEUED)


def test_the_sheet_starts_with_the_visit_tasks(client):
    w = world()
    sheet = _open(client, w)
    assert [t.name for t in sheet.tasks.all()] == ["Tonte de la pelouse", "Taille de la haie"]
    page = client.get(reverse("interventions-visit", args=[w.visit.pk])).content.decode()
    assert "Portail bleu" in page and "geo:47.218371,-1.553621" in page


def test_today_lists_my_visits_in_order_in_constant_queries(client):
    w = world()
    client.force_login(w.member.user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("interventions-today")).status_code == 200
    for hour in (7, 14, 16):
        visit_for(w.member, w.activity, w.client, sector=w.sector, contract=w.contract, hour=hour)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("interventions-today")).content.decode()
    assert len(many) == len(few)
    assert page.index("07:00") < page.index("09:00") < page.index("14:00") < page.index("16:00")
    client.force_login(w.colleague.user)
    assert "Mme Durand" not in client.get(reverse("interventions-today")).content.decode()


def test_fill_sign_validate_takes_stock_and_sends_the_signal(
    client, django_capture_on_commit_callbacks
):
    w = world()
    compost = services_stock.create_stock_item(
        actor=w.member.user,
        sector=w.sector,
        name="Compost",
        unit="KGM",
        quantity="50",
        reorder_at="10",
        unit_price="2.5",
        vat_rate="10",
    )
    sheet = _open(client, w)
    answer = _save(
        client,
        sheet,
        supply_item=[str(compost.pk), ""],
        supply_name=["", "Ficelle"],
        supply_quantity=["45", "1"],
        done=[sheet.tasks.first().pk],
    )
    assert answer.status_code == 200, answer.content
    sheet.refresh_from_db()
    assert sheet.minutes == 90 and sheet.green_waste_kg == Decimal("12.5")
    assert [t.done for t in sheet.tasks.all()] == [True, False]
    assert [(s.name, s.quantity, s.unit_price) for s in sheet.supplies.order_by("id")] == [
        ("Compost", Decimal("45.000"), Decimal("2.5000")),
        ("Ficelle", Decimal("1.000"), None),
    ]
    answer = client.post(
        reverse("interventions-sheet-sign", args=[sheet.pk]),
        {"strokes": STROKES, "signed_by": "Mme Durand", "width": "600", "height": "200"},
        **QUEUED,
    )
    assert answer.status_code == 200, answer.content
    received = []
    signals.sheet_validated.connect(
        lambda sender, sheet, **kw: received.append(sheet.pk), weak=False, dispatch_uid="t1"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(reverse("interventions-sheet-validate", args=[sheet.pk]), **QUEUED)
        assert answer.status_code == 200
    finally:
        signals.sheet_validated.disconnect(dispatch_uid="t1")
    sheet.refresh_from_db()
    assert sheet.state == SheetState.VALIDATED and sheet.validated_at and received == [sheet.pk]
    compost.refresh_from_db()
    assert compost.quantity == Decimal("5.000") and compost.to_reorder
    assert StockMovement.objects.filter(item=compost, kind="used", quantity=Decimal("-45")).exists()
    svg = client.get(reverse("interventions-signature", args=[sheet.pk]))
    assert (
        svg["Content-Type"] == "image/svg+xml"
        and b"<path" in svg.content
        and b"script" not in svg.content
    )
    # validated: no more changes
    assert _save(client, sheet).status_code == 400


def test_a_sheet_changed_elsewhere_is_not_overwritten(client):
    w = world()
    sheet = _open(client, w)
    start = sheet.version
    assert _save(client, sheet, base=start, edit_key="phone-1", remarks="first").status_code == 200
    assert (
        _save(client, sheet, base=start, edit_key="phone-1", remarks="second").status_code == 200
    )  # same session
    answer = _save(client, sheet, base=start, edit_key="tablet", remarks="other")
    assert answer.status_code == 409 and answer.json()["version"] == start + 2
    sheet.refresh_from_db()
    assert sheet.remarks == "second"


def test_photos_are_kept_original_and_downscaled_once(client):
    w = world()
    sheet = _open(client, w)
    key = str(uuid.uuid4())
    for _ in range(2):
        answer = client.post(
            reverse("interventions-sheet-photo", args=[sheet.pk]),
            {
                "kind": "before",
                "client_uuid": key,
                "file": SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg"),
            },
            **QUEUED,
        )
        assert answer.status_code == 200, answer.content
    photo = SheetPhoto.objects.get()
    with photo.file.open("rb") as f, Image.open(f) as image:
        assert max(image.size) == 1600
    with photo.original.open("rb") as f:
        assert f.read() == jpeg()
    shown = client.get(reverse("interventions-photo", args=[photo.pk]))
    assert shown.status_code == 200 and b"".join(shown.streaming_content)[:3] == b"\xff\xd8\xff"
    bad = client.post(
        reverse("interventions-sheet-photo", args=[sheet.pk]),
        {"kind": "after", "file": SimpleUploadedFile("p.jpg", b"not an image", "image/jpeg")},
        **QUEUED,
    )
    assert bad.status_code == 400 and "JPEG, PNG or WebP" in bad.json()["errors"][0]
    client.force_login(w.outsider.user)
    assert client.get(reverse("interventions-photo", args=[photo.pk])).status_code == 404


def test_validation_needs_time_and_a_signature_or_later(client):
    w = world()
    sheet = _open(client, w)
    with pytest.raises(ValidationError) as exc:
        services.validate_sheet(actor=w.member.user, sheet=sheet)
    assert "minutes" in exc.value.message_dict
    services.update_sheet(actor=w.member.user, sheet=sheet, minutes=60)
    with pytest.raises(ValidationError) as exc:
        services.validate_sheet(actor=w.member.user, sheet=sheet)
    assert "signature" in exc.value.message_dict
    sheet = services.validate_sheet(actor=w.member.user, sheet=sheet, client_signs_later=True)
    assert sheet.state == SheetState.SUBMITTED and sheet.validated_at is None


def test_the_client_signs_and_validates_on_their_page(client, django_capture_on_commit_callbacks):
    w = world(client_validates=True)
    sheet = _open(client, w)
    services.update_sheet(actor=w.member.user, sheet=sheet, minutes=60, client_signs_later=True)
    sheet = services.validate_sheet(actor=w.member.user, sheet=sheet)
    assert sheet.state == SheetState.SUBMITTED
    client.logout()
    url = reverse("interventions-client-sheet", args=[sheet.client_token])
    page = client.get(url)
    assert page.status_code == 200 and "Tonte de la pelouse" in page.content.decode()
    assert client.post(url, {"signed_by": "Mme Durand", "strokes": "[]"}).status_code == 400
    received = []
    signals.sheet_validated.connect(
        lambda sender, sheet, **kw: received.append(sheet.pk), weak=False, dispatch_uid="t2"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert (
                client.post(
                    url,
                    {
                        "signed_by": "Mme Durand",
                        "strokes": STROKES,
                        "width": "600",
                        "height": "200",
                    },
                ).status_code
                == 302
            )
    finally:
        signals.sheet_validated.disconnect(dispatch_uid="t2")
    sheet.refresh_from_db()
    assert (
        sheet.state == SheetState.VALIDATED and sheet.client_validated_at and received == [sheet.pk]
    )
    assert client.get(reverse("interventions-client-sheet", args=["nope"])).status_code == 404


def test_a_draft_sheet_has_no_client_page(client):
    w = world()
    sheet = _open(client, w)
    client.logout()
    assert (
        client.get(reverse("interventions-client-sheet", args=[sheet.client_token])).status_code
        == 404
    )


def test_an_invoiced_sheet_no_longer_changes(client):
    w = world()
    sheet = _open(client, w)
    Sheet.objects.filter(pk=sheet.pk).update(
        state=SheetState.VALIDATED, validated_at=timezone.now()
    )
    Sheet.objects.filter(pk=sheet.pk).update(state=SheetState.INVOICED)
    with pytest.raises(ValidationError) as exc:
        services.update_sheet(actor=w.member.user, sheet=sheet, remarks="x")
    assert "on an invoice" in str(exc.value)


def test_colleagues_read_the_sheet_but_only_the_member_fills_it(client):
    w = world()
    sheet = _open(client, w)
    client.force_login(w.colleague.user)
    page = client.get(reverse("interventions-visit", args=[w.visit.pk]))
    assert page.status_code == 200 and b"data-iv-sheet" not in page.content
    assert _save(client, sheet).status_code == 403
    assert client.get(reverse("interventions-sheets")).status_code == 200
    client.force_login(w.outsider.user)
    assert _save(client, sheet).status_code == 404
    assert "Mme Durand" not in client.get(reverse("interventions-sheets")).content.decode()
