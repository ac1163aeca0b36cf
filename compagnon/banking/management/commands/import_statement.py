"""Import a bank statement from the command line, as the upload page does (for the automated
exports of banks: a cron job or the file drop of the bank's connector).

    manage.py import_statement statement.xml
    manage.py import_statement export.csv --account BE68539007547034 --user compta@coop.example

The account is the one the camt.053 file names (``Acct/Id/IBAN``), or ``--account`` (required for
CSV files, which do not name it). The import is done on behalf of ``--user`` — an accountant or
administrator of the account's entity — or, by default, the entity's first administrator.

Prints "imported N, matched automatically N, left to match N, already known N". A rejected file
is kept (like on the page) and the command fails with the reason (exit status 1).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment, User
from compagnon.banking import camt, services
from compagnon.banking.models import BankAccount
from compagnon.banking.reading import StatementError, compact_iban


class Command(BaseCommand):
    help = "Import a camt.053 or CSV bank statement, like the upload page."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="camt.053 XML or CSV export")
        parser.add_argument(
            "--account",
            metavar="IBAN",
            default="",
            help="The bank account (its IBAN). Default: the account named in the camt.053 file.",
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            default="",
            help="Who imports: an accountant or administrator of the account's entity. Default: "
            "the entity's first administrator.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s.") % {"file": path, "error": exc.strerror}
            ) from None
        try:  # a ZIP or a PDF is named as such before anything else is asked
            services.refuse_other_files(data)
        except StatementError as exc:
            raise CommandError(exc.message) from None
        account = self._account(options["account"], data)
        actor = self._actor(options["user"], account)
        try:
            statement = services.import_statement(
                actor=actor, account=account, data=data, filename=path.name
            )
        except PermissionDenied:
            raise CommandError(
                _(
                    "%(user)s may not import the statements of %(entity)s: only its accountants and "
                    "administrators can."
                )
                % {"user": actor.email, "entity": account.entity.name}
            ) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if statement.is_rejected:
            where = []
            if statement.error_line:
                where.append(_("line %(line)s") % {"line": statement.error_line})
            if statement.error_place:
                where.append(statement.error_place)
            raise CommandError(
                _(
                    "Rejected, nothing imported: %(error)s%(where)s (the file is kept as statement "
                    "%(id)s)."
                )
                % {
                    "error": statement.error,
                    "where": f" [{', '.join(where)}]" if where else "",
                    "id": statement.pk,
                }
            )
        self.stdout.write(
            _(
                "imported %(imported)s, matched automatically %(matched)s, left to match "
                "%(to_match)s, already known %(known)s"
            )
            % {
                "imported": statement.imported,
                "matched": statement.matched,
                "to_match": statement.to_match,
                "known": statement.already_known,
            }
        )

    def _account(self, iban: str, data: bytes) -> BankAccount:
        iban = compact_iban(iban)
        if not iban:
            iban = camt.peek_iban(data) if camt.looks_like_xml(data) else ""
            if not iban:
                raise CommandError(
                    _("The file does not name its account: give it with --account IBAN.")
                )
        account = BankAccount.objects.select_related("entity").filter(iban=iban).first()
        if account is None:
            raise CommandError(
                _(
                    "No bank account has the IBAN %(iban)s: add it first (bank accounts page), or "
                    "give another one with --account."
                )
                % {"iban": iban}
            )
        return account

    def _actor(self, email: str, account: BankAccount) -> User:
        if email:
            user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if user is None:
                raise CommandError(_("No active user has the email %(email)s.") % {"email": email})
            return user
        assignment = (
            RoleAssignment.objects.filter(
                role=Role.ADMIN, entity_id=account.entity_id, user__is_active=True
            )
            .select_related("user")
            .order_by("id")
            .first()
        )
        if assignment is None:
            raise CommandError(
                _("%(entity)s has no administrator to import on behalf of: give --user EMAIL.")
                % {"entity": account.entity.name}
            )
        return assignment.user
