"""manage.py import_statement: the same import from the command line, for automated exports."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from compagnon.accounts.models import Role
from compagnon.banking.management.commands.import_statement import Command
from compagnon.banking.models import BankStatement, ImportState
from compagnon.core.tests.factories import staff

from .helpers import DATA, csv_mapping

pytestmark = pytest.mark.django_db
KBC = str(DATA / "camt053_v08_kbc.xml")


def command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_statement", *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def exit_code(monkeypatch):
    """Run as from the shell: the exit status (what is printed goes to capsys)."""
    # run_from_argv closes the database connections when it ends: not the test's one.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*args):
        with pytest.raises(SystemExit) as exc:
            Command().run_from_argv(["manage.py", "import_statement", *args])
            raise SystemExit(0)
        return exc.value.code

    return run


def test_prints_the_counts_and_finds_the_account_in_the_file(admin, be_account):
    assert command(KBC) == (
        "imported 6, matched automatically 0, left to match 2, already known 0\n"
    )
    statement = BankStatement.objects.get()
    assert statement.created_by == admin  # the entity's first administrator by default
    assert command(KBC) == (
        "imported 0, matched automatically 0, left to match 0, already known 6\n"
    )


def test_acts_as_the_given_user_and_takes_the_given_account(accountant, be_account):
    csv_mapping(be_account)
    output = command(
        str(DATA / "export_belfius.csv"),
        "--account",
        "BE68 5390 0754 7034",
        "--user",
        accountant.email.upper(),
    )
    assert output.startswith("imported 6,")
    assert BankStatement.objects.get().created_by == accountant


def test_exit_status_0_when_imported_and_1_when_rejected(
    admin, be_account, tmp_path, capsys, exit_code
):
    assert exit_code(KBC) == 0
    assert "imported 6" in capsys.readouterr().out

    broken = tmp_path / "broken.xml"
    broken.write_bytes((DATA / "camt053_v08_kbc.xml").read_bytes().replace(b"</Stmt>", b"", 1))
    assert exit_code(str(broken), "--account", be_account.iban) == 1
    err = capsys.readouterr().err
    assert "Rejected, nothing imported: The XML is not well-formed" in err
    assert "[line " in err
    rejected = BankStatement.objects.get(state=ImportState.REJECTED)
    assert rejected.filename == "broken.xml"  # kept, as on the page


def test_clear_errors_for_what_the_command_cannot_do(be_entity, be_account, tmp_path):
    with pytest.raises(CommandError, match="has no administrator"):
        command(KBC)
    staff(Role.ADMIN, be_entity)
    with pytest.raises(CommandError, match="Cannot read"):
        command(str(tmp_path / "missing.xml"))
    with pytest.raises(CommandError, match="give it with --account"):
        command(str(DATA / "export_belfius.csv"))
    with pytest.raises(CommandError, match="No bank account has the IBAN BE71096123456769"):
        command(KBC, "--account", "BE71096123456769")
    support = staff(Role.SUPPORT, be_entity, service="collections")
    with pytest.raises(CommandError, match="may not import"):
        command(KBC, "--user", support.email)
    assert not BankStatement.objects.exists()


def test_a_zip_file_gets_the_zip_message_on_the_command_line(tmp_path, be_account):
    import zipfile

    from django.utils import translation

    path = tmp_path / "statements.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("statement.xml", "<Document/>")
    # no --account: the file is named as a ZIP before the account is asked for
    with translation.override("fr"), pytest.raises(CommandError) as exc:
        command(str(path))
    assert "archive ZIP" in str(exc.value) and "camt.053" in str(exc.value)
    assert not BankStatement.objects.exists()


def test_a_broken_camt_file_is_explained_in_plain_words(tmp_path, be_account, accountant):
    from django.utils import translation

    from compagnon.banking import services

    content = DATA.joinpath("camt053_v08_kbc.xml").read_bytes().replace(b"</Ntry>", b"</Entry>", 1)
    with translation.override("fr"):
        statement = services.import_statement(
            actor=accountant, account=be_account, data=content, filename="kbc.xml"
        )
    assert statement.is_rejected
    plain, _, detail = statement.error.partition("(Détail technique")
    assert plain.startswith("Le XML est mal formé à la ligne")
    assert "fermé sous un autre nom" in plain and "Opening and ending" not in plain
    assert "Opening and ending tag mismatch" in detail
