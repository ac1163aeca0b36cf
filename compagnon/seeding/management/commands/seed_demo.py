"""Build a believable demo cooperative, once. Running it again changes nothing."""

import datetime

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from faker import Faker

from compagnon.accounts.demo_guard import refuse_in_production
from compagnon.accounts.models import Role, RoleAssignment, SupportService, User
from compagnon.core.demo import TRADES, kbo_from, logo_png, rng, siren_from
from compagnon.members import services as members
from compagnon.members.demo import ensure_trades
from compagnon.members.models import ActivityRole, Maturity, MemberStatus
from compagnon.organisation.models import Entity, Office

PASSWORD = "demo"
DEMO_LOGINS = [
    ("member1@demo.coop", "member — gardener in Nantes, shares a collective"),
    ("member2@demo.coop", "member — IT repair in Nantes, shares no activity with member1"),
    ("advisor@demo.coop", "advisor of the Nantes and Angers offices"),
    ("support@demo.coop", "support agent (legal, collections) in the French entity"),
    ("accountant@demo.coop", "accountant of both entities"),
    ("admin@demo.coop", "administrator of both entities + Django admin"),
]


class Command(BaseCommand):
    help = "Load the demo cooperative (one French CAE, one Belgian entity, 4 offices, ~40 members). Idempotent."

    def handle(self, *args, **options):
        refuse_in_production()  # demo accounts have a public password: never in production
        if User.objects.filter(email="admin@demo.coop").exists():
            self.stdout.write("Demo data already loaded: nothing to do.")
            return
        with transaction.atomic():
            self._load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _user(self, email, first, last, language="fr", **extra):
        if not hasattr(self, "_hash"):
            self._hash = make_password(PASSWORD)  # hash once: PBKDF2 is slow on purpose
        user = User(
            email=email,
            first_name=first,
            last_name=last,
            language=language,
            is_demo=True,
            password=self._hash,
            **extra,
        )
        user.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _load(self):
        self._load_people()
        self._load_business()
        self._load_member_services()
        self._load_know_how()

    def _load_member_services(self):
        """The directory, messages, help centre, first steps, support, advisors, agenda and news."""
        entities = list(Entity.objects.order_by("id"))
        from compagnon.directory.demo import seed_demo_directory
        from compagnon.messaging.demo import seed_demo_messaging

        seed_demo_directory(entities)  # profiles with mixed visibilities, a few showcases
        seed_demo_messaging(entities)  # conversations between members and with the advisor
        from compagnon.knowledge.demo import seed_demo_knowledge
        from compagnon.onboarding.demo import seed_demo_onboarding

        seed_demo_knowledge(entities)  # articles, FAQ, an expert
        seed_demo_onboarding(entities)  # a path per entity and maturity, the kit
        from compagnon.support.demo import seed_demo_support

        seed_demo_support(entities)  # requests in every state, canned answers, collections cases
        from compagnon.advising.demo import seed_demo_advising

        seed_demo_advising(entities)  # appointments, next steps, a yearly review
        from compagnon.events.demo import seed_demo_events

        seed_demo_events(entities)  # the agenda, a training with its certificate, a mentoring pair
        from compagnon.mailings.demo import seed_demo_mailings

        seed_demo_mailings(entities)  # interests, preferences, a newsletter sent, news

    def _load_know_how(self):
        """Procedures, peer help, after-sales, recruiting, tenders and grants."""
        entities = list(Entity.objects.order_by("id"))
        from compagnon.procedures.demo import seed_demo_procedures

        seed_demo_procedures(entities)  # procedures per trade, one in review, one ticked on a sheet
        from compagnon.peerhelp.demo import seed_demo_peerhelp

        seed_demo_peerhelp(entities)  # questions answered, one accepted, helpers
        from compagnon.aftersales.demo import seed_demo_aftersales

        seed_demo_aftersales(entities)  # clients' reports in every state
        from compagnon.recruiting.demo import seed_demo_recruiting

        seed_demo_recruiting(entities)  # applicants along the pipeline, an information meeting
        from compagnon.tenders.demo import seed_demo_tenders

        seed_demo_tenders(entities)  # notices matched to members, a group answer, the papers

    def _load_business(self):
        """Books, clients (and, as the contexts grow, their documents) for the demo activities."""
        from compagnon.clients.demo import seed_demo_clients
        from compagnon.ledger.demo import seed_demo_ledger
        from compagnon.members.models import Activity

        seed_demo_ledger(list(Entity.objects.order_by("id")))
        from compagnon.banking.demo import seed_demo_banking

        seed_demo_banking(list(Entity.objects.order_by("id")))
        seed_demo_clients({a.name: a for a in Activity.objects.select_related("entity")}, rng(2027))
        from compagnon.dunning.demo import seed_demo_collections

        seed_demo_collections({a.name: a for a in Activity.objects.select_related("entity")})  # before the other documents
        from compagnon.sales.demo import seed_demo_documents

        first = ["Les Jardins de Camille", "Yanis Informatique", "Jardins Partagés Nantais"]
        activities = sorted(Activity.objects.select_related("entity", "trade"),
                            key=lambda a: (a.name not in first, first.index(a.name) if a.name in first else 0, a.pk))
        seed_demo_documents(activities, rng(2028))
        from compagnon.timesheets.demo import seed_demo_time

        camille = activities[0]
        seed_demo_time(camille, camille.clients.order_by("id").first(), camille.memberships.first().member)
        from compagnon.purchases.demo import seed_demo_supplier_invoices

        belgian = next((a for a in activities if a.entity.jurisdiction == "BE"), None)
        seed_demo_supplier_invoices([camille] + ([belgian] if belgian else []))
        from compagnon.expenses.demo import seed_demo_expenses

        seed_demo_expenses(camille, belgian)
        from compagnon.seeding.transfers import seed_demo_transfers

        seed_demo_transfers(camille)  # claims paid back in a batch sent and settled by a demo statement
        from compagnon.budget.demo import seed_demo_budget

        seed_demo_budget(activities)
        from compagnon.seeding.revenue import seed_demo_revenue

        seed_demo_revenue([camille] + ([belgian] if belgian else []))  # clients pay: the salaries below fit
        from compagnon.payroll.demo import seed_demo_payroll

        seed_demo_payroll([camille] + ([belgian] if belgian else []) + activities)
        from compagnon.prefinancing.demo import seed_demo_prefinancing

        seed_demo_prefinancing(activities)
        self._load_field_service()
        from compagnon.governance.demo import seed_demo_governance

        seed_demo_governance(list(Entity.objects.order_by("id")))  # shares and assemblies, before closing
        from compagnon.cooperation.demo import seed_demo_cooperation

        seed_demo_cooperation(list(Entity.objects.order_by("id")))  # barter; last month's shared position
        from compagnon.subcontracting.demo import seed_demo_subcontracting

        seed_demo_subcontracting(list(Entity.objects.order_by("id")))  # one subcontract, invoiced and settled
        from compagnon.buying.demo import seed_demo_buying

        seed_demo_buying(list(Entity.objects.order_by("id")))  # supplier terms, ratings, open group purchases
        from compagnon.jobs.demo import seed_demo_jobs

        seed_demo_jobs(list(Entity.objects.order_by("id")))  # declared jobs with their checklists, an offer
        from compagnon.lettering.demo import seed_demo_lettering

        entities = list(Entity.objects.order_by("id"))
        seed_demo_lettering(entities)  # letter what was paid
        from compagnon.bookkeeping.demo import seed_demo_bookkeeping

        seed_demo_bookkeeping(entities, User.objects.get(email="accountant@demo.coop"),
                              activities=activities)  # last: closes last year (locks it)
        from compagnon.vatreturns.demo import seed_demo_vat_returns

        seed_demo_vat_returns(entities, User.objects.get(email="accountant@demo.coop"))  # the previous quarter, filed
        from compagnon.ereporting.demo import seed_demo_ereporting

        seed_demo_ereporting(entities)  # last month's e-reports, checked

    def _load_field_service(self):
        """Sectors, contracts and this week's visits of the French gardeners, a day on site, a
        proposed week, and last month's home-services invoices (before the books are closed)."""
        from compagnon.fieldwork.demo import seed_fieldwork
        from compagnon.homeservices.demo import seed_demo_homeservices
        from compagnon.interventions.demo import seed_interventions
        from compagnon.members.models import Activity
        from compagnon.planning.demo import seed_demo_planning

        france = Entity.objects.filter(jurisdiction="FR").order_by("id").first()
        if france is None:
            return
        seed_fieldwork(france)
        seed_interventions(france)
        seed_demo_planning(france)
        seed_demo_homeservices(list(Activity.objects.filter(entity=france)))

    def _load_people(self):
        r = rng(2026)
        trades = ensure_trades()
        fr = Entity(
            name="Compagnons de Loire",
            legal_name="Compagnons de Loire SCOP SA — coopérative d'activité et d'emploi",
            jurisdiction="FR",
            company_number=siren_from(51234567),
            street="12 quai de la Fosse",
            postcode="44000",
            city="Nantes",
            country="FR",
            iban="FR7630006000011234567890189",
            email="contact@compagnons-loire.demo",
            default_language="fr",
        )
        fr.vat_number = "FR" + __import__("stdnum.fr.siren", fromlist=["to_tva"]).to_tva(
            fr.company_number
        )
        fr.full_clean()
        fr.save()
        be = Entity(
            name="Samen Werken",
            legal_name="Samen Werken / Travailler Ensemble SCRL-CVBA",
            jurisdiction="BE",
            company_number=kbo_from(4470291),
            street="Rue Coenraets 72",
            postcode="1060",
            city="Bruxelles",
            country="BE",
            iban="BE68539007547034",
            email="info@samenwerken.demo",
            default_language="nl",
            contribution_rate="6.50",
        )
        be.vat_number = "BE" + be.company_number
        be.full_clean()
        be.save()
        offices = {
            "nantes": Office.objects.create(
                entity=fr,
                name="Nantes",
                street="12 quai de la Fosse",
                postcode="44000",
                city="Nantes",
                country="FR",
            ),
            "angers": Office.objects.create(
                entity=fr,
                name="Angers",
                street="5 rue Lenepveu",
                postcode="49100",
                city="Angers",
                country="FR",
            ),
            "brussel": Office.objects.create(
                entity=be,
                name="Bruxelles / Brussel",
                street="Rue Coenraets 72",
                postcode="1060",
                city="Bruxelles",
                country="BE",
            ),
            "gent": Office.objects.create(
                entity=be,
                name="Gent",
                street="Vlaanderenstraat 18",
                postcode="9000",
                city="Gent",
                country="BE",
            ),
        }

        admin = self._user("admin@demo.coop", "Alex", "Admin", is_staff=True, is_superuser=True)
        accountant = self._user("accountant@demo.coop", "Claire", "Comptable")
        advisor = self._user("advisor@demo.coop", "Amina", "Benali")
        advisor_be = self._user("adviseur@demo.coop", "Pieter", "Claes", language="nl")
        support = self._user("support@demo.coop", "Sam", "Support")
        for entity in (fr, be):
            RoleAssignment.objects.create(user=admin, role=Role.ADMIN, entity=entity)
            RoleAssignment.objects.create(user=accountant, role=Role.ACCOUNTANT, entity=entity)
        for office in ("nantes", "angers"):
            RoleAssignment.objects.create(
                user=advisor, role=Role.ADVISOR, entity=fr, office=offices[office]
            )
        for office in ("brussel", "gent"):
            RoleAssignment.objects.create(
                user=advisor_be, role=Role.ADVISOR, entity=be, office=offices[office]
            )
        for service in (SupportService.LEGAL, SupportService.COLLECTIONS):
            RoleAssignment.objects.create(
                user=support, role=Role.SUPPORT, entity=fr, service=service
            )

        today = timezone.localdate()

        def member(
            email,
            first,
            last,
            office,
            *,
            status,
            trade_codes,
            language="fr",
            maturity=Maturity.NEW,
            months_ago=6,
            city="",
            phone="",
            skills=(),
            bio="",
        ):
            user = self._user(email, first, last, language=language, phone=phone)
            adv = advisor if office in ("nantes", "angers") else advisor_be
            start = today - datetime.timedelta(days=30 * months_ago)
            m = members.create_member(
                actor=admin,
                user=user,
                office=offices[office],
                advisor=adv,
                effective_on=start,
                maturity=maturity,
                city=city or offices[office].city,
                postcode=offices[office].postcode,
                skills=list(skills),
                bio=bio,
                languages=["français"] if language == "fr" else ["Nederlands", "français"],
            )
            m.trades.set([trades[c] for c in trade_codes])
            path = [MemberStatus.CONTRACT, MemberStatus.ASSOCIATE, MemberStatus.LEFT]
            target = {
                MemberStatus.APPLICANT: 0,
                MemberStatus.CONTRACT: 1,
                MemberStatus.ASSOCIATE: 2,
                MemberStatus.LEFT: 3,
            }[status]
            for i, step in enumerate(path[:target]):
                when = start + datetime.timedelta(days=45 * (i + 1))
                members.change_member_status(
                    actor=admin, member=m, to_status=step, effective_on=min(when, today)
                )
            return m

        def activity(m, name, trade_code, colour, *, letterhead="", with_logo=False):
            a = members.create_activity(
                actor=admin,
                member=m,
                name=name,
                trade=trades[trade_code],
                description="",
                document_language=m.user.language,
            )
            fields = {"brand_color": colour}
            if letterhead:
                fields["letterhead"] = letterhead
            if with_logo:
                initials = "".join(w[0] for w in name.split()[:2] if w[0].isalpha()).upper() or "A"
                fields["logo"] = ContentFile(logo_png(initials, colour), name=f"{trade_code}.png")
            return members.update_activity(actor=admin, activity=a, **fields)

        camille = member(
            "member1@demo.coop",
            "Camille",
            "Moreau",
            "nantes",
            status=MemberStatus.CONTRACT,
            trade_codes=["gardening"],
            maturity=Maturity.DEVELOPING,
            months_ago=14,
            phone="+33 6 12 34 56 78",
            skills=["taille", "haies", "potagers", "vergers"],
            bio="Jardinière paysagiste depuis 8 ans, j'entretiens les jardins des particuliers et des copropriétés autour de Nantes.",
        )
        yanis = member(
            "member2@demo.coop",
            "Yanis",
            "Garnier",
            "nantes",
            status=MemberStatus.ASSOCIATE,
            trade_codes=["it-repair", "training"],
            maturity=Maturity.ESTABLISHED,
            months_ago=40,
            phone="+33 6 98 76 54 32",
            skills=["dépannage PC", "réseaux", "Linux", "formation seniors"],
        )
        lea = member(
            "lea.rousseau@demo.coop",
            "Léa",
            "Rousseau",
            "nantes",
            status=MemberStatus.ASSOCIATE,
            trade_codes=["gardening"],
            maturity=Maturity.ESTABLISHED,
            months_ago=30,
            skills=["permaculture"],
        )
        activity(
            camille,
            "Les Jardins de Camille",
            "gardening",
            "#3f7d3a",
            letterhead="Entretien de jardins — Nantes et alentours\n06 12 34 56 78",
            with_logo=True,
        )
        collective = activity(
            lea,
            "Jardins Partagés Nantais",
            "gardening",
            "#6b8e23",
            letterhead="Collectif de jardinières — création et entretien",
            with_logo=True,
        )
        members.add_activity_member(
            actor=admin, activity=collective, member=camille, role=ActivityRole.HOLDER, share=50
        )
        activity(
            yanis,
            "Yanis Informatique",
            "it-repair",
            "#1d5a8a",
            letterhead="Dépannage et formation informatique",
            with_logo=True,
        )
        activity(yanis, "Ateliers numériques", "training", "#7a4b9a")

        fake_fr, fake_be = Faker("fr_FR"), Faker("nl_BE")
        fake_fr.seed_instance(7)
        fake_be.seed_instance(11)
        statuses = [
            MemberStatus.APPLICANT,
            MemberStatus.CONTRACT,
            MemberStatus.CONTRACT,
            MemberStatus.ASSOCIATE,
            MemberStatus.ASSOCIATE,
            MemberStatus.LEFT,
        ]
        colours = [
            "#2f6f4f",
            "#a0522d",
            "#1d5a8a",
            "#8b3a62",
            "#b8860b",
            "#456990",
            "#c44536",
            "#3d5a40",
        ]
        codes = [c for c, *_ in TRADES]
        for i in range(36):
            belgian = i % 2 == 1
            fake = fake_be if belgian else fake_fr
            office = (
                ["brussel", "gent"][i % 4 // 2] if belgian else ["nantes", "angers"][i % 4 // 2]
            )
            first, last = fake.first_name(), fake.last_name()
            trade = codes[i % len(codes)]
            status = statuses[r.randrange(len(statuses))]
            m = member(
                f"member{i + 3}@demo.coop",
                first,
                last,
                office,
                status=status,
                trade_codes=[trade],
                language="nl" if belgian and office == "gent" else "fr",
                maturity=list(Maturity)[r.randrange(3)],
                months_ago=r.randrange(1, 48),
                phone=fake.phone_number(),
                skills=fake.words(3),
            )
            if status != MemberStatus.APPLICANT:
                if status == MemberStatus.LEFT:
                    continue
                activity(
                    m,
                    f"{first} {last} — {trade.replace('-', ' ').title()}",
                    trade,
                    colours[i % len(colours)],
                    with_logo=i % 3 == 0,
                )
        # a Belgian collective
        be_members = list(
            be.members.exclude(status__in=[MemberStatus.LEFT, MemberStatus.APPLICANT])
            .filter(activity_memberships__isnull=False)
            .distinct()[:3]
        )
        if len(be_members) >= 2:
            a = activity(
                be_members[0],
                "Collectif Podium / Podiumcollectief",
                "music",
                "#8b3a62",
                with_logo=True,
            )
            for other in be_members[1:]:
                members.add_activity_member(
                    actor=admin, activity=a, member=other, role=ActivityRole.CONTRIBUTOR, share=25
                )
