"""Field service in the demo cooperative: two sectors of gardeners in Nantes, the catalogue,
maintenance contracts with this week's visits, two open requests and an IT repair contract.

Called by ``seed_demo`` once the people and the clients exist: ``seed_fieldwork(entity)`` with the
French entity. Contracts, visits and requests go through the services, acting as the members who
hold the activities, so the demo obeys the same rules as the app.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from compagnon.clients.models import Client, ClientKind
from compagnon.clients.services import create_client
from compagnon.members.models import Activity, ActivityMembership, Member, MemberStatus, Trade

from . import services
from .models import Contract, ContractState, Pricing, Sector, SectorMembership, Service, Unit

CATALOGUE = [
    # trade, FR, NL, EN, unit, price, minutes, home services
    ("gardening", "Tonte de pelouse", "Gras maaien", "Lawn mowing", Unit.HOUR, "38", 60, True),
    ("gardening", "Taille de haies", "Hagen snoeien", "Hedge trimming", Unit.HOUR, "42", 120, True),
    ("gardening", "Désherbage", "Wieden", "Weeding", Unit.HOUR, "36", 90, True),
    (
        "gardening",
        "Entretien de jardin",
        "Tuinonderhoud",
        "Garden maintenance",
        Unit.HOUR,
        "40",
        120,
        True,
    ),
    (
        "it-repair",
        "Dépannage informatique",
        "Computerherstelling",
        "IT repair",
        Unit.HOUR,
        "48",
        60,
        False,
    ),
]

GARDENS = [
    # name, street, postcode, city, weekday, every weeks, tasks
    (
        "Hélène Bouvier",
        "14 rue de la Bastille",
        "44000",
        "Nantes",
        0,
        2,
        ["Tonte", "Taille des rosiers"],
    ),
    (
        "Marc Lemaire",
        "3 allée des Tilleuls",
        "44300",
        "Nantes",
        1,
        2,
        ["Tonte", "Désherbage des massifs"],
    ),
    (
        "Sophie et Karim Haddad",
        "27 boulevard des Poilus",
        "44300",
        "Nantes",
        2,
        1,
        ["Entretien du potager", "Arrosage"],
    ),
    (
        "Jeanne Morel",
        "8 rue Talensac",
        "44000",
        "Nantes",
        3,
        2,
        ["Tonte", "Ramassage des feuilles"],
    ),
    (
        "Paul Rivière",
        "52 rue de la Ville-en-Bois",
        "44100",
        "Nantes",
        1,
        2,
        ["Taille de haies", "Tonte"],
    ),
    (
        "Copropriété Les Glycines",
        "5 rue Gaston Turpin",
        "44200",
        "Nantes",
        4,
        2,
        ["Entretien des espaces verts"],
    ),
    ("Nadia Benchekroun", "19 rue du Croisic", "44100", "Nantes", 2, 2, ["Désherbage", "Tonte"]),
]
ACCESS = (
    "Portail côté rue, code 1984. Le chien est gentil. Déchets verts\u00a0: bac au fond du jardin."
)


def _trade(code: str) -> Trade | None:
    return Trade.objects.filter(code=code).first()


def _member(email: str) -> Member | None:
    return Member.objects.filter(user__email=email).select_related("user").first()


def _garden_client(activity: Activity, actor, name, street, postcode, city) -> Client:
    existing = Client.objects.filter(activity=activity, name=name).first()
    if existing is not None:
        return existing
    plain = (
        unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore").decode().lower()
    )
    email = f"{plain}@example.org"
    return create_client(
        actor=actor,
        activity=activity,
        kind=ClientKind.INDIVIDUAL,
        name=name,
        email=email,
        phone="02 40 00 00 00",
        street=street,
        postcode=postcode,
        city=city,
        country="FR",
    )


@transaction.atomic
def seed_fieldwork(entity, *, today: datetime.date | None = None) -> dict:
    """Seed field service for ``entity`` (the French demo entity); idempotent."""
    if Sector.objects.filter(entity=entity).exists():
        return {"sectors": 0}
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    gardening, it_repair = _trade("gardening"), _trade("it-repair")
    catalogue = {}
    for code, fr, nl, en, unit, price, minutes, home in CATALOGUE:
        trade = _trade(code)
        if trade is None:
            continue
        catalogue[en] = Service.objects.create(
            entity=entity,
            trade=trade,
            name_fr=fr,
            name_nl=nl,
            name_en=en,
            unit=unit,
            unit_price=Decimal(price),
            vat_rate=Decimal("20"),
            minutes=minutes,
            home_services=home,
        )
    camille, lea, yanis = (
        _member("member1@demo.coop"),
        _member("lea.rousseau@demo.coop"),
        _member("member2@demo.coop"),
    )
    gardeners = list(
        Member.objects.filter(entity=entity, office__name__icontains="Nantes", trades=gardening)
        .exclude(status__in=[MemberStatus.LEFT, MemberStatus.APPLICANT])
        .exclude(pk__in=[m.pk for m in (camille, lea) if m])
    )
    north = Sector.objects.create(
        entity=entity,
        office=camille.office if camille else None,
        name="Nantes centre et nord",
        postcodes=["44000", "44300"],
        lead=camille,
        offer_hours=48,
    )
    south = Sector.objects.create(
        entity=entity,
        office=lea.office if lea else None,
        name="Nantes sud et île de Nantes",
        postcodes=["44100", "44200"],
        lead=lea,
        offer_hours=48,
    )
    for sector in (north, south):
        if gardening:
            sector.trades.add(gardening)
    for member, sector, hours in [
        (camille, north, "28"),
        (lea, north, "20"),
        (lea, south, "12"),
    ] + [(m, south, "24") for m in gardeners[:3]]:
        if member is not None:
            SectorMembership.objects.get_or_create(
                sector=sector, member=member, defaults={"weekly_hours": Decimal(hours)}
            )
    contracts = []
    if camille is not None:
        own = Activity.objects.filter(name="Les Jardins de Camille").first()
        collective = Activity.objects.filter(name="Jardins Partagés Nantais").first()
        for i, (name, street, postcode, city, weekday, every, tasks) in enumerate(GARDENS):
            activity = own if i % 3 != 2 or collective is None else collective
            holder = camille if activity == own else lea or camille
            sector = north if postcode in north.postcodes else south
            member = camille if sector == north and i % 2 == 0 else (lea or camille)
            client = _garden_client(activity, holder.user, name, street, postcode, city)
            # anchored so that the rhythm falls in this week
            starts = monday - datetime.timedelta(weeks=16) + datetime.timedelta(days=weekday)
            contract = services.create_contract(
                actor=holder.user,
                activity=activity,
                client=client,
                name=f"Entretien du jardin — {name}",
                member=member,
                sector=sector,
                starts_on=starts,
                pricing=Pricing.HOUR,
                price=Decimal("40"),
                vat_rate=Decimal("20"),
                yearly_hours=Decimal("48") if every == 2 else Decimal("96"),
                home_services=True,
                immediate_advance=i % 2 == 0,
                access_notes=ACCESS if i % 2 == 0 else "",
                client_validates_sheets=i == 0,
                street=street,
                postcode=postcode,
                city=city,
                country="FR",
                state=ContractState.ACTIVE,
            )
            summer = [m for m in range(4, 11)]
            winter = [m for m in range(1, 13) if m not in summer]
            services.set_recurrences(
                actor=holder.user,
                contract=contract,
                recurrences=[
                    {
                        "months": summer,
                        "every_weeks": every,
                        "weekday": weekday,
                        "minutes": 120,
                        "start_time": datetime.time(8 + i % 4 * 2, 0),
                    },
                    {
                        "months": winter,
                        "every_weeks": 2 if every == 1 else 4,
                        "weekday": weekday,
                        "minutes": 90,
                        "start_time": datetime.time(8 + i % 4 * 2, 0),
                    },
                ],
            )
            services.set_tasks(
                actor=holder.user,
                contract=contract,
                tasks=[{"name": t, "every_visit": True} for t in tasks]
                + [{"name": "Taille des arbustes", "every_visit": False}],
            )
            services.generate_visits(
                contract, monday + datetime.timedelta(days=34), actor=holder.user, today=monday
            )
            contracts.append(contract)
    if yanis is not None and it_repair is not None:
        it_activity = Activity.objects.filter(name="Yanis Informatique").first()
        if (
            it_activity is not None
            and ActivityMembership.objects.filter(activity=it_activity, member=yanis).exists()
        ):
            client = _garden_client(
                it_activity, yanis.user, "Cabinet Dr Lefèvre", "2 place Graslin", "44000", "Nantes"
            )
            contract = services.create_contract(
                actor=yanis.user,
                activity=it_activity,
                client=client,
                name="Maintenance informatique du cabinet",
                member=yanis,
                starts_on=monday - datetime.timedelta(weeks=12) + datetime.timedelta(days=3),
                pricing=Pricing.VISIT,
                price=Decimal("90"),
                vat_rate=Decimal("20"),
                yearly_hours=Decimal("24"),
                street="2 place Graslin",
                postcode="44000",
                city="Nantes",
                country="FR",
                state=ContractState.ACTIVE,
                access_notes="Passer par l'accueil ; le serveur est dans le placard du couloir.",
            )
            services.set_recurrences(
                actor=yanis.user,
                contract=contract,
                recurrences=[
                    {
                        "months": list(range(1, 13)),
                        "every_weeks": 4,
                        "weekday": 3,
                        "minutes": 120,
                        "start_time": datetime.time(14, 0),
                    }
                ],
            )
            services.set_tasks(
                actor=yanis.user,
                contract=contract,
                tasks=[
                    {
                        "name": "Sauvegardes vérifiées",
                        "every_visit": True,
                        "service": catalogue.get("IT repair"),
                    },
                    {"name": "Mises à jour des postes", "every_visit": True},
                    {"name": "Nettoyage des ventilateurs", "every_visit": False},
                ],
            )
            services.generate_visits(
                contract, monday + datetime.timedelta(days=34), actor=yanis.user, today=monday
            )
            contracts.append(contract)
    requests = [
        services.submit_request(
            entity=entity,
            name="Agnès Caillaud",
            email="agnes.caillaud@example.org",
            phone="06 11 22 33 44",
            description="Haie de thuyas de 25 m à tailler avant l'été, "
            "et une pelouse d'environ 300 m² à tondre tous les quinze jours.",
            street="11 rue Mondésir",
            postcode="44000",
            city="Nantes",
            services=[s for k, s in catalogue.items() if k in ("Hedge trimming", "Lawn mowing")],
            wished_from=today + datetime.timedelta(days=7),
            wished_until=today + datetime.timedelta(days=30),
        ),
        services.submit_request(
            entity=entity,
            name="Thomas Gicquel",
            email="thomas.gicquel@example.org",
            description="Jardin laissé à l'abandon depuis un an : désherbage complet et remise en état.",
            street="40 rue de Vertou",
            postcode="44200",
            city="Nantes",
            services=[s for k, s in catalogue.items() if k == "Weeding"],
        ),
    ]
    return {
        "sectors": 2,
        "services": len(catalogue),
        "contracts": len(contracts),
        "requests": len(requests),
        "visits": sum(
            c.visits.count() for c in Contract.objects.filter(pk__in=[c.pk for c in contracts])
        ),
    }
