"""Scale seeding of the people: entities, offices, staff, members with their history, trades and
activities (``manage.py seed_scale --members N``, composed in compagnon/seeding).

See the command's docstring for what is written and how fast. Everything derives from the seed.
"""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.fr import siren as fr_siren

from compagnon.accounts.models import Role, RoleAssignment, User
from compagnon.core.bulk import Writer
from compagnon.core.demo import TRADES, kbo_from, rng, siren_from
from compagnon.members.demo import ensure_trades
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    ActivityStatus,
    Maturity,
    Member,
    MemberStatus,
    MemberStatusChange,
)
from compagnon.organisation.models import Entity, Office

PASSWORD = "scale"
EMAIL_DOMAIN = "scale.test"
CHUNK = 20_000  # members generated and written per round: bounds memory, keeps batches large
# The scale entities' bank accounts (valid IBANs), so invoices carry an EPC QR code as real ones do.
SCALE_IBAN = {
    "FR": ("FR7630006000011234567890189", "AGRIFRPP"),
    "BE": ("BE68539007547034", "GKCCBEBB"),
}

FR_CITIES = [
    ("Nantes", "44000"),
    ("Lyon", "69001"),
    ("Rennes", "35000"),
    ("Lille", "59000"),
    ("Bordeaux", "33000"),
    ("Toulouse", "31000"),
    ("Marseille", "13001"),
    ("Angers", "49100"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
    ("Grenoble", "38000"),
    ("Tours", "37000"),
    ("Brest", "29200"),
    ("Dijon", "21000"),
    ("Clermont-Ferrand", "63000"),
    ("Rouen", "76000"),
    ("Caen", "14000"),
    ("Poitiers", "86000"),
    ("Limoges", "87000"),
    ("Besançon", "25000"),
    ("Le Mans", "72000"),
    ("Saint-Étienne", "42000"),
    ("Nancy", "54000"),
    ("Metz", "57000"),
    ("Amiens", "80000"),
    ("Orléans", "45000"),
    ("Reims", "51100"),
    ("Perpignan", "66000"),
    ("Nîmes", "30000"),
    ("Avignon", "84000"),
    ("La Rochelle", "17000"),
    ("Quimper", "29000"),
]
BE_CITIES = [
    ("Bruxelles / Brussel", "1000"),
    ("Gent", "9000"),
    ("Antwerpen", "2000"),
    ("Liège", "4000"),
    ("Namur", "5000"),
    ("Leuven", "3000"),
    ("Brugge", "8000"),
    ("Charleroi", "6000"),
    ("Mons", "7000"),
    ("Hasselt", "3500"),
    ("Mechelen", "2800"),
    ("Kortrijk", "8500"),
    ("Louvain-la-Neuve", "1348"),
    ("Aalst", "9300"),
    ("Arlon", "6700"),
    ("Oostende", "8400"),
]
# How popular each trade is (same order as TRADES) and a few skills per trade.
TRADE_WEIGHTS = [14, 10, 9, 9, 12, 6, 6, 5, 6, 10, 8, 5]
SKILLS = {
    "gardening": ["taille", "haies", "potagers", "permaculture", "élagage", "gazon"],
    "it-repair": ["dépannage PC", "réseaux", "Linux", "sauvegardes", "smartphones"],
    "graphic-design": ["identité visuelle", "mise en page", "illustration", "Figma"],
    "training": ["formation adultes", "ateliers", "e-learning", "animation"],
    "consulting": ["stratégie", "gestion de projet", "RSE", "financement"],
    "photography": ["portrait", "reportage", "produit", "retouche"],
    "carpentry": ["agencement", "escaliers", "parquet", "ébénisterie"],
    "translation": ["anglais", "néerlandais", "allemand", "sous-titrage"],
    "music": ["concerts", "cours de guitare", "sonorisation", "chant"],
    "web-development": ["Django", "WordPress", "accessibilité", "SEO", "React"],
    "home-help": ["aide aux seniors", "ménage", "courses", "garde d'enfants"],
    "catering": ["buffets", "cuisine végétarienne", "événements", "pâtisserie"],
}
COLOURS = [
    "#2f6f4f",
    "#a0522d",
    "#1d5a8a",
    "#8b3a62",
    "#b8860b",
    "#456990",
    "#c44536",
    "#3d5a40",
    "#5b4b8a",
    "#0f766e",
    "#9a3412",
    "#334155",
]
LANGUAGES_SPOKEN = {
    "fr": ["français"],
    "nl": ["Nederlands", "français"],
    "en": ["English", "français"],
}

S_APPLICANT, S_CONTRACT, S_ASSOCIATE, S_LEFT = (
    MemberStatus.APPLICANT.value,
    MemberStatus.CONTRACT.value,
    MemberStatus.ASSOCIATE.value,
    MemberStatus.LEFT.value,
)
# (cumulative probability, status path). Everyone starts as an applicant, as in the app.
STATUS_PATHS = [
    (0.12, (S_APPLICANT,)),
    (0.50, (S_APPLICANT, S_CONTRACT)),
    (0.83, (S_APPLICANT, S_CONTRACT, S_ASSOCIATE)),
    (0.865, (S_APPLICANT, S_LEFT)),
    (0.945, (S_APPLICANT, S_CONTRACT, S_LEFT)),
    (1.0, (S_APPLICANT, S_CONTRACT, S_ASSOCIATE, S_LEFT)),
]
# (cumulative probability, maturity) by current status
MATURITY = {
    S_APPLICANT: [(1.0, Maturity.NEW.value)],
    S_CONTRACT: [
        (0.5, Maturity.NEW.value),
        (0.9, Maturity.DEVELOPING.value),
        (1.0, Maturity.ESTABLISHED.value),
    ],
    S_ASSOCIATE: [
        (0.05, Maturity.NEW.value),
        (0.4, Maturity.DEVELOPING.value),
        (1.0, Maturity.ESTABLISHED.value),
    ],
    S_LEFT: [
        (0.4, Maturity.NEW.value),
        (0.75, Maturity.DEVELOPING.value),
        (1.0, Maturity.ESTABLISHED.value),
    ],
}
# days spent in a status before the next step: (min, max)
STEP_DAYS = {S_APPLICANT: (15, 120), S_CONTRACT: (300, 1100), S_ASSOCIATE: (200, 1500)}


def scale_entity_numbers(seed: int) -> tuple[str, str]:
    """The SIREN of the French and the KBO number of the Belgian scale entity of ``seed``."""
    return siren_from(80_000_000 + seed), kbo_from(8_000_000 + seed)


def _pick(table, x):
    for p, value in table:
        if x < p:
            return value
    return table[-1][1]


@dataclass
class OfficeInfo:
    id: int
    entity_id: int
    country: str
    city: str
    postcode: str
    advisors: list[int] = field(default_factory=list)


class Generator:
    def __init__(self, command, writer: Writer, *, seed: int, n_members: int, n_offices: int):
        self.out = command.stdout
        self.verbosity_style = command.style
        self.w = writer
        self.seed = seed
        self.n_members = n_members
        self.n_offices = n_offices
        self.r = rng(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.password = make_password(PASSWORD)  # hashed once: PBKDF2 is slow on purpose
        self.stats: dict[str, int] = {}
        self._date_cache: dict[int, object] = {}
        ops = writer.ops
        self.now_db = ops.adapt_datetimefield_value(self.now)
        self.hundred = ops.adapt_decimalfield_value(Decimal("100.00"), 5, 2)
        self.decimal = lambda v: ops.adapt_decimalfield_value(Decimal(v), 5, 2)

    def day(self, days_ago: int):
        """A date ``days_ago`` before today, already adapted for the database (cached)."""
        d = self._date_cache.get(days_ago)
        if d is None:
            d = self._date_cache[days_ago] = self.w.ops.adapt_datefield_value(
                self.today - datetime.timedelta(days=days_ago)
            )
        return d

    def log(self, text: str) -> None:
        self.out.write(text)

    # --- reference data: pools, entities, offices, advisors -------------------------------------

    def pools(self) -> None:
        def unique(values):
            return list(dict.fromkeys(v for v in values if v))

        fr, be = Faker("fr_FR"), Faker("nl_BE")
        fr.seed_instance(self.seed)
        be.seed_instance(self.seed + 1)
        self.names = {
            "fr": (
                unique(fr.first_name() for _ in range(1500)),
                unique(fr.last_name() for _ in range(2500)),
            ),
            "nl": (
                unique(be.first_name() for _ in range(1500)),
                unique(be.last_name() for _ in range(2500)),
            ),
        }
        self.names["en"] = self.names["fr"]
        self.cities = {
            "FR": unique((fr.city(), fr.postcode()) for _ in range(800)),
            "BE": unique((be.city(), be.postcode()) for _ in range(800)),
        }
        self.streets = {
            "FR": [fr.street_address() for _ in range(200)],
            "BE": [be.street_address() for _ in range(200)],
        }
        self.trade_codes = [code for code, *_ in TRADES]
        self.trade_cum = []
        total = 0
        for w in TRADE_WEIGHTS[: len(self.trade_codes)]:
            total += w
            self.trade_cum.append(total)
        self.trade_total = total

    def entities(self):
        fr_number, be_number = scale_entity_numbers(self.seed)
        fr, _ = Entity.objects.get_or_create(
            jurisdiction="FR",
            company_number=fr_number,
            defaults=dict(
                name=f"Horizon Coop FR #{self.seed}",
                legal_name=f"Horizon Coopérative SCOP SA #{self.seed} — coopérative d'activité et d'emploi",
                vat_number="FR" + fr_siren.to_tva(fr_number),
                street="3 rue de la Coopération",
                postcode="44000",
                city="Nantes",
                country="FR",
                iban=SCALE_IBAN["FR"][0],
                bic=SCALE_IBAN["FR"][1],
                email=f"contact-{self.seed}@{EMAIL_DOMAIN}",
                default_language="fr",
            ),
        )
        be, _ = Entity.objects.get_or_create(
            jurisdiction="BE",
            company_number=be_number,
            defaults=dict(
                name=f"Horizon Coop BE #{self.seed}",
                legal_name=f"Horizon Coöperatie / Coopérative Horizon CV-SC #{self.seed}",
                vat_number="BE" + be_number,
                street="Rue Royale 100",
                postcode="1000",
                city="Bruxelles",
                country="BE",
                iban=SCALE_IBAN["BE"][0],
                bic=SCALE_IBAN["BE"][1],
                email=f"info-{self.seed}@{EMAIL_DOMAIN}",
                default_language="nl",
                contribution_rate=Decimal("6.50"),
            ),
        )
        for entity in (fr, be):
            entity.full_clean()  # the identifiers really are valid
        return fr, be

    def staff_user(self, email, first, last, language, existing):
        user = existing.get(email)
        if user is None:
            user = User.objects.create(
                email=email,
                first_name=first,
                last_name=last,
                language=language,
                password=self.password,
                is_demo=True,
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def offices_and_staff(self, fr: Entity, be: Entity) -> list[OfficeInfo]:
        r = self.r
        n_fr = max(2, round(self.n_offices * 0.6))
        n_be = max(2, self.n_offices - n_fr)
        existing = {
            u.email: u
            for u in User.objects.filter(
                email__endswith=f"@{EMAIL_DOMAIN}", email__startswith=f"advisor-{self.seed}-"
            )
        }
        existing.update(
            {u.email: u for u in User.objects.filter(email=f"admin-{self.seed}@{EMAIL_DOMAIN}")}
        )
        admin = self.staff_user(
            f"admin-{self.seed}@{EMAIL_DOMAIN}", "Alix", "Horizon", "fr", existing
        )
        for entity in (fr, be):
            RoleAssignment.objects.get_or_create(
                user=admin, role=Role.ADMIN, entity=entity, office=None, service=""
            )
        out: list[OfficeInfo] = []
        advisor_no = 0
        for entity, country, count, cities in (
            (fr, "FR", n_fr, FR_CITIES),
            (be, "BE", n_be, BE_CITIES),
        ):
            for k in range(count):
                city, postcode = cities[k % len(cities)]
                name = city if k < len(cities) else f"{city} {k // len(cities) + 1}"
                office, _ = Office.objects.get_or_create(
                    entity=entity,
                    name=name,
                    defaults=dict(
                        street=self.streets[country][k % 200],
                        postcode=postcode,
                        city=city,
                        country=country,
                        email=f"office-{self.seed}-{country.lower()}{k}@{EMAIL_DOMAIN}",
                    ),
                )
                info = OfficeInfo(office.pk, entity.pk, country, city, postcode)
                # big offices (the first ones get the most members) have two advisors
                for _ in range(2 if k < max(1, count // 2) else 1):
                    advisor_no += 1
                    lang = "fr" if country == "FR" or r.random() < 0.4 else "nl"
                    firsts, lasts = self.names[lang]
                    user = self.staff_user(
                        f"advisor-{self.seed}-{advisor_no}@{EMAIL_DOMAIN}",
                        firsts[r.randrange(len(firsts))],
                        lasts[r.randrange(len(lasts))],
                        lang,
                        existing,
                    )
                    RoleAssignment.objects.get_or_create(
                        user=user, role=Role.ADVISOR, entity=entity, office=office, service=""
                    )
                    info.advisors.append(user.pk)
                out.append(info)
        self.stats["offices"] = len(out)
        self.stats["advisors"] = advisor_no
        return out

    def office_weights(self, offices: list[OfficeInfo]) -> list[float]:
        """Zipf-like sizes: the first office of each country is the biggest, then a long tail."""
        cum, total = [], 0.0
        rank = {"FR": 0, "BE": 0}
        for o in offices:
            rank[o.country] += 1
            total += (1.5 if o.country == "FR" else 1.0) / rank[o.country] ** 0.8
            cum.append(total)
        return [c / total for c in cum]

    # --- members ---------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        t0 = time.perf_counter()
        self.pools()
        trades = ensure_trades()
        self.trade_ids = [trades[c].pk for c in self.trade_codes]
        self.trade_labels = {
            "fr": [trades[c].name_fr for c in self.trade_codes],
            "nl": [trades[c].name_nl for c in self.trade_codes],
            "en": [trades[c].name_en for c in self.trade_codes],
        }
        fr, be = self.entities()
        offices = self.offices_and_staff(fr, be)
        cum = self.office_weights(offices)
        self.log(
            f"  reference data (trades, entities, {len(offices)} offices, advisors): "
            f"{time.perf_counter() - t0:.1f} s"
        )

        # Additive: carry on after what earlier runs of this seed and the app already numbered.
        start = User.objects.filter(
            email__startswith=f"m{self.seed}-", email__endswith=f"@{EMAIL_DOMAIN}"
        ).count()
        self.next_number = {}
        for entity in (fr, be):
            numbers = Member.objects.filter(entity=entity).values_list("number", flat=True)
            self.next_number[entity.pk] = 1 + max(
                (int(n[1:]) for n in numbers if n[1:].isdigit()), default=0
            )
        for key in (
            "users",
            "email addresses",
            "members",
            "status changes",
            "activities",
            "collectives",
            "memberships",
            "member trades",
        ):
            self.stats[key] = 0
        done = 0
        while done < self.n_members:
            n = min(CHUNK, self.n_members - done)
            t = time.perf_counter()
            self.chunk(start + done, n, offices, cum)
            done += n
            self.log(f"  members {done:,}/{self.n_members:,}: {time.perf_counter() - t:.1f} s")
        for entity_id, nxt in self.next_number.items():
            if nxt > 100_000:
                self.log(
                    self.verbosity_style.WARNING(
                        f"  entity {entity_id} now has member numbers beyond M99999: "
                        "members.services.next_member_number sorts them as text and will stumble."
                    )
                )
        return self.stats

    def chunk(self, first_index: int, n: int, offices: list[OfficeInfo], cum: list[float]) -> None:
        r = self.r
        rand = r.random
        w = self.w
        day = self.day
        seed = self.seed
        now_db = self.now_db
        hundred = self.hundred
        trade_cum, trade_total = self.trade_cum, self.trade_total
        trade_ids = self.trade_ids
        n_off = len(offices)

        user_ids = w.reserve_ids(User, n)
        member_ids = w.reserve_ids(Member, n)
        users, emails, members, member_trades, changes = [], [], [], [], []
        # per member kept for the activity pass: (member_id, office, status, lang, first, last, city,
        #                                         trade indexes, activity start day)
        plans = []
        for k in range(n):
            i = first_index + k
            x = rand()
            lo, hi = 0, n_off - 1
            while lo < hi:  # bisect on the cumulative office weights
                mid = (lo + hi) // 2
                if cum[mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            office = offices[lo]
            belgian = office.country == "BE"
            y = rand()
            if belgian:
                lang = "nl" if y < 0.58 else ("fr" if y < 0.96 else "en")
            else:
                lang = "fr" if y < 0.96 else "en"
            firsts, lasts = self.names[lang]
            first = firsts[int(rand() * len(firsts))]
            last = lasts[int(rand() * len(lasts))]
            if rand() < 0.45:
                city, postcode = office.city, office.postcode
            else:
                pool = self.cities[office.country]
                city, postcode = pool[int(rand() * len(pool))]
            if rand() < 0.75:
                a, b, c, d = (int(rand() * 100) for _ in range(4))
                phone = (
                    f"+32 4{int(rand() * 90) + 10} {a:02d} {b:02d} {c:02d}"
                    if belgian
                    else f"+33 {6 + int(rand() * 2)} {a:02d} {b:02d} {c:02d} {d:02d}"
                )
            else:
                phone = ""
            # status path and dates (days before today), oldest first
            path = _pick(STATUS_PATHS, rand())
            status = path[-1]
            gaps = []
            for step in path[:-1]:
                lo_d, hi_d = STEP_DAYS[step]
                gaps.append(lo_d + int(rand() * (hi_d - lo_d)))
            tail = int(
                rand() * (60 if status == S_APPLICANT else 900 if status != S_LEFT else 1200)
            )
            since = tail + sum(gaps)  # days ago the member applied
            advisors = office.advisors
            advisor = (
                None
                if status == S_APPLICANT and rand() < 0.03
                else advisors[int(rand() * len(advisors))]
            )
            maturity = _pick(MATURITY[status], rand())
            # trades: 1 (65 %), 2 (28 %) or 3 (7 %), by popularity, no repeats
            t = rand()
            want = 1 if t < 0.65 else 2 if t < 0.93 else 3
            chosen = []
            while len(chosen) < want:
                v = rand() * trade_total
                ti = 0
                while trade_cum[ti] < v:
                    ti += 1
                if ti not in chosen:
                    chosen.append(ti)
            skills_pool = SKILLS[self.trade_codes[chosen[0]]]
            skills = [s for s in skills_pool if rand() < 0.35][:4]
            bio = (
                f"{self.trade_labels['fr'][chosen[0]]} à {city} depuis {1 + since // 365} an(s)."
                if lang == "fr" and rand() < 0.2
                else ""
            )
            uid, mid = user_ids[k], member_ids[k]
            email = f"m{seed}-{i}@{EMAIL_DOMAIN}"
            number = self.next_number[office.entity_id]
            self.next_number[office.entity_id] = number + 1

            users.append(
                (
                    uid,
                    self.password,
                    False,
                    email,
                    first,
                    last,
                    phone,
                    lang,
                    False,
                    True,
                    True,
                    now_db,
                )
            )
            emails.append((uid, email, True, True))
            members.append(
                (
                    mid,
                    uid,
                    office.entity_id,
                    office.id,
                    f"M{number:05d}",
                    status,
                    day(tail),
                    advisor,
                    maturity,
                    json.dumps(skills, ensure_ascii=False),
                    json.dumps(LANGUAGES_SPOKEN[lang], ensure_ascii=False),
                    city,
                    postcode,
                    bio,
                    now_db,
                )
            )
            for ti in chosen:
                member_trades.append((mid, trade_ids[ti]))
            when = since
            previous = ""
            for step_no, step in enumerate(path):
                changes.append((mid, previous, step, day(when), "", advisor, now_db))
                previous = step
                if step_no < len(gaps):
                    when -= gaps[step_no]
            if status != S_APPLICANT:
                activity_start = since - gaps[0]  # from their first contract
                plans.append((mid, office, status, lang, first, last, city, chosen, activity_start))

        # activities: 1 (75 %) or 2 per non-applicant member; ~2 % shared with office colleagues
        activities, memberships = [], []
        pending = []  # (activity row index, holder plan)
        for plan in plans:
            count = 1 if rand() < 0.75 else 2
            for a_no in range(count):
                pending.append((a_no, plan))
        activity_ids = w.reserve_ids(Activity, len(pending))
        # colleagues who may join a collective: active members, by office
        by_office: dict[int, list] = {}
        for plan in plans:
            if plan[2] != S_LEFT:
                by_office.setdefault(plan[1].id, []).append(plan)
        collectives = 0
        for aid, (a_no, plan) in zip(activity_ids, pending, strict=True):
            mid, office, status, lang, first, last, city, chosen, start_day = plan
            ti = chosen[a_no] if a_no < len(chosen) else chosen[0]
            label = self.trade_labels[lang][ti]
            style = int(rand() * 4)
            if a_no == 1 and ti == chosen[0]:
                name = f"{first} {last} — {label} ({city})"
            elif style == 0:
                name = f"{first} {last} — {label}"
            elif style == 1:
                name = f"{label} {last}"
            elif style == 2:
                name = f"{last} & co — {label}"
            else:
                name = f"{label} · {city}"
            if status == S_LEFT:
                a_status = ActivityStatus.CLOSED.value
            else:
                a_status = (
                    ActivityStatus.PAUSED.value if rand() < 0.08 else ActivityStatus.ACTIVE.value
                )
            since = max(0, start_day - (0 if a_no == 0 else int(rand() * 300)))
            letterhead = f"{name}\n{city}" if rand() < 0.3 else ""
            activities.append(
                (
                    aid,
                    office.entity_id,
                    name[:120],
                    trade_ids[ti],
                    "",
                    a_status,
                    "",
                    COLOURS[int(rand() * len(COLOURS))],
                    letterhead,
                    "",
                    30,
                    lang,
                    None,
                    now_db,
                    now_db,
                )
            )
            # a collective: ~2 % of the live activities, with 1–2 colleagues of the same office
            colleagues = by_office.get(office.id, ())
            if a_status == ActivityStatus.ACTIVE.value and len(colleagues) > 3 and rand() < 0.028:
                others = []
                wanted = 1 if rand() < 0.6 else 2
                for _ in range(6):
                    other = colleagues[int(rand() * len(colleagues))]
                    if other[0] != mid and other[0] not in others:
                        others.append(other[0])
                    if len(others) == wanted:
                        break
                if others:
                    collectives += 1
                    holder_share, other_share = (
                        ("50.00", "50.00") if len(others) == 1 else ("40.00", "30.00")
                    )
                    memberships.append(
                        (
                            aid,
                            mid,
                            ActivityRole.HOLDER.value,
                            self.decimal(holder_share),
                            day(since),
                        )
                    )
                    for other_id in others:
                        memberships.append(
                            (
                                aid,
                                other_id,
                                ActivityRole.CONTRIBUTOR.value,
                                self.decimal(other_share),
                                day(since),
                            )
                        )
                    continue
            memberships.append((aid, mid, ActivityRole.HOLDER.value, hundred, day(since)))

        w.insert(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "email",
                "first_name",
                "last_name",
                "phone",
                "language",
                "is_staff",
                "is_active",
                "is_demo",
                "date_joined",
            ],
            users,
        )
        w.insert(EmailAddress, ["user", "email", "verified", "primary"], emails)
        w.insert(
            Member,
            [
                "id",
                "user",
                "entity",
                "office",
                "number",
                "status",
                "status_since",
                "advisor",
                "maturity",
                "skills",
                "languages",
                "city",
                "postcode",
                "bio",
                "created_at",
            ],
            members,
        )
        w.insert(Member.trades.through, ["member", "trade"], member_trades)
        w.insert(
            MemberStatusChange,
            [
                "member",
                "from_status",
                "to_status",
                "effective_on",
                "note",
                "changed_by",
                "created_at",
            ],
            changes,
        )
        w.insert(
            Activity,
            [
                "id",
                "entity",
                "name",
                "trade",
                "description",
                "status",
                "logo",
                "brand_color",
                "letterhead",
                "footer",
                "payment_terms_days",
                "document_language",
                "contribution_rate",
                "created_at",
                "updated_at",
            ],
            activities,
        )
        w.insert(ActivityMembership, ["activity", "member", "role", "share", "since"], memberships)
        s = self.stats
        s["users"] += len(users)
        s["email addresses"] += len(emails)
        s["members"] += len(members)
        s["member trades"] += len(member_trades)
        s["status changes"] += len(changes)
        s["activities"] += len(activities)
        s["collectives"] += collectives
        s["memberships"] += len(memberships)


MEMBER_MODELS = [User, EmailAddress, Member, Member.trades.through, MemberStatusChange]
MEMBER_MODELS += [Activity, ActivityMembership]


def seed_members(command, members: int, seed: int, offices: int | None) -> None:
    """``seed_scale --members N``: write the people of ``seed`` and report on ``command.stdout``."""
    n_offices = max(4, offices if offices is not None else round(members / 2500))
    started = time.perf_counter()
    writer = Writer()
    with transaction.atomic():
        stats = Generator(command, writer, seed=seed, n_members=members, n_offices=n_offices).run()
        finishing = time.perf_counter()
        writer.analyze(MEMBER_MODELS)
    command.stdout.write(
        f"  analyze + commit (constraint checks): {time.perf_counter() - finishing:.1f} s"
    )
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{n:,} {what}" for what, n in stats.items())
    command.stdout.write(summary)
    command.stdout.write(
        command.style.SUCCESS(
            f"seed_scale: {members:,} members in {elapsed:.1f} s "
            f"({writer.rows:,} rows, {writer.rows / elapsed:,.0f} rows/s, "
            f"{members / elapsed:,.0f} members/s) on {writer.vendor}"
        )
    )
