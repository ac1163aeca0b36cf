"""An accountant writes a miscellaneous operation, validates it (a colleague too above the
threshold), refuses one with a reason, reverses a recorded one; recurring entries are made once
per period by the daily run."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from compagnon.ledger.models import Entry

from .. import services
from ..models import BookkeepingSettings, ManualEntry, ManualEntryStatus, RecurringTemplate
from .factories import RENT, account, coop, day, last_year, rent_lines

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def c():
    return coop()


def _draft(c, amount=RENT, **kw):
    return services.save_draft(
        actor=kw.pop("actor", c["accountant"]),
        entity=c["entity"],
        date=kw.pop("date", day(11, 30)),
        label="Rent of the workshop",
        lines=rent_lines(c["entity"], amount, activity=c["activity_a"]),
    )


def test_validating_a_draft_records_it_in_the_od_journal_on_the_activity(c):
    draft = _draft(c)
    assert draft.status == ManualEntryStatus.DRAFT and draft.entry is None
    posted = services.validate(actor=c["accountant"], manual_entry=draft)
    assert posted.status == ManualEntryStatus.POSTED
    entry = posted.entry
    assert entry.journal.code == "OD" and entry.is_balanced
    line = entry.lines.get(account__code="604")
    assert line.activity == c["activity_a"] and line.label == "SCI Les Tilleuls"
    with pytest.raises(ValidationError, match="nothing to validate"):
        services.validate(actor=c["accountant2"], manual_entry=posted)


def test_an_unbalanced_draft_is_kept_but_not_recorded(c):
    entity = c["entity"]
    lines = rent_lines(entity)
    lines[1] = services.LineInput(account=account(entity, "512"), credit=D("700.00"))
    draft = services.save_draft(
        actor=c["accountant"], entity=entity, date=day(6, 1), label="Rent", lines=lines
    )
    with pytest.raises(ValidationError, match="does not balance"):
        services.validate(actor=c["accountant"], manual_entry=draft)
    draft.refresh_from_db()
    assert (
        draft.status == ManualEntryStatus.DRAFT
        and not Entry.objects.filter(source_type="bookkeeping.manualentry").exists()
    )


def test_above_the_threshold_a_second_accountant_validates(c):
    BookkeepingSettings.objects.create(entity=c["entity"], second_validation_threshold=D("500"))
    draft = _draft(c)
    waiting = services.validate(actor=c["accountant"], manual_entry=draft)
    assert waiting.status == ManualEntryStatus.TO_VALIDATE and waiting.entry is None
    with pytest.raises(ValidationError, match="another accountant than the author"):
        services.validate(actor=c["accountant"], manual_entry=waiting)
    posted = services.validate(actor=c["accountant2"], manual_entry=waiting)
    assert posted.status == ManualEntryStatus.POSTED and posted.validated_by == c["accountant2"]


def test_the_default_threshold_is_ten_thousand(c):
    assert services.threshold(c["entity"]) == D("10000.00")
    small = services.validate(actor=c["accountant"], manual_entry=_draft(c, D("10000.00")))
    big = services.validate(actor=c["accountant"], manual_entry=_draft(c, D("10000.01")))
    assert small.status == ManualEntryStatus.POSTED
    assert big.status == ManualEntryStatus.TO_VALIDATE


def test_refused_with_a_reason_then_corrected_back_to_draft(c):
    draft = _draft(c)
    with pytest.raises(ValidationError, match="Say why"):
        services.refuse(actor=c["accountant2"], manual_entry=draft, reason=" ")
    refused = services.refuse(
        actor=c["accountant2"], manual_entry=draft, reason="The lease says 750 €"
    )
    assert refused.status == ManualEntryStatus.REFUSED
    assert refused.refusal_reason == "The lease says 750 €"
    again = services.save_draft(
        actor=c["accountant"],
        entity=c["entity"],
        manual_entry=refused,
        date=day(11, 30),
        label="Rent of the workshop",
        lines=rent_lines(c["entity"], D("750.00")),
    )
    assert again.status == ManualEntryStatus.DRAFT and again.total == D("750.00")


def test_reversing_a_recorded_entry_posts_its_mirror(c):
    posted = services.validate(actor=c["accountant"], manual_entry=_draft(c))
    reversed_ = services.reverse(actor=c["accountant"], manual_entry=posted, date=day(12, 5))
    assert reversed_.status == ManualEntryStatus.REVERSED
    mirror = reversed_.reversal
    assert mirror.reversal_of == posted.entry and mirror.date == day(12, 5)
    assert mirror.lines.get(account__code="604").credit == D("800.00")
    with pytest.raises(ValidationError):
        services.reverse(actor=c["accountant"], manual_entry=reversed_, date=day(12, 6))


def test_a_recorded_entry_cannot_be_changed_or_deleted(c):
    posted = services.validate(actor=c["accountant"], manual_entry=_draft(c))
    with pytest.raises(ValidationError):
        services.save_draft(
            actor=c["accountant"],
            entity=c["entity"],
            manual_entry=posted,
            date=day(11, 30),
            label="x",
            lines=rent_lines(c["entity"]),
        )
    with pytest.raises(ValidationError):
        services.delete_draft(actor=c["accountant"], manual_entry=posted)


def test_documents_are_kept_with_the_entry(c):
    draft = _draft(c)
    services.attach(
        actor=c["accountant"],
        manual_entry=draft,
        uploaded_file=SimpleUploadedFile("lease.pdf", b"%PDF-1.4 lease", "application/pdf"),
    )
    assert [a.filename for a in draft.attachments.all()] == ["lease.pdf"]
    with draft.attachments.get().file.open("rb") as f:
        assert f.read() == b"%PDF-1.4 lease"


def test_only_the_entitys_accountants_write(c):
    with pytest.raises(PermissionDenied):
        _draft(c, actor=c["foreign_accountant"])
    with pytest.raises(PermissionDenied):
        _draft(c, actor=c["a"].user)
    draft = _draft(c)
    with pytest.raises(PermissionDenied):
        services.validate(actor=c["foreign_accountant"], manual_entry=draft)
    foreign_line = services.LineInput(account=account(c["foreign_entity"], "604"), debit=D("1.00"))
    with pytest.raises(ValidationError, match="another entity"):
        services.save_draft(
            actor=c["accountant"],
            entity=c["entity"],
            date=day(1, 5),
            label="x",
            lines=[foreign_line, rent_lines(c["entity"], D("1.00"))[1]],
        )


# --- recurring ---------------------------------------------------------------------------------


def _template(c, **kw):
    return services.save_template(
        actor=c["accountant"],
        entity=c["entity"],
        label="Workshop rent",
        frequency=kw.pop("frequency", "monthly"),
        day=5,
        start_date=day(1, 1),
        end_date=kw.pop("end_date", day(12, 31)),
        lines=rent_lines(c["entity"]),
        **kw,
    )


def test_recurring_entries_are_made_once_per_period(c):
    template = _template(c)
    today = day(3, 10)
    assert services.post_recurring_entries(today=today) == {"created": 3, "posted": 0}
    assert services.post_recurring_entries(today=today) == {"created": 0, "posted": 0}
    made = ManualEntry.objects.filter(template=template).order_by("date")
    assert [m.period for m in made] == [
        f"{last_year()}-01",
        f"{last_year()}-02",
        f"{last_year()}-03",
    ]
    assert all(m.status == ManualEntryStatus.DRAFT and m.total == D("800.00") for m in made)


def test_recurring_entries_set_to_record_are_posted_and_quarters_counted(c):
    _template(c, frequency="quarterly", auto_post=True)
    assert services.post_recurring_entries(today=day(12, 31)) == {"created": 4, "posted": 4}
    dates = list(
        ManualEntry.objects.filter(status=ManualEntryStatus.POSTED)
        .order_by("date")
        .values_list("date", flat=True)
    )
    assert dates == [day(1, 5), day(4, 5), day(7, 5), day(10, 5)]


def test_the_daily_command_runs_once_a_day(c, capsys):
    _template(c, end_date=None)
    call_command("post_recurring_entries", "--date", day(2, 6).isoformat())
    assert "2 entries made" in capsys.readouterr().out
    call_command("post_recurring_entries", "--date", day(2, 6).isoformat())
    assert "already ran" in capsys.readouterr().out
    assert RecurringTemplate.objects.get().entries.count() == 2
