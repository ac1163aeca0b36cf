"""Demo clients: believable French and Belgian companies, public bodies and private people, with
contacts and a few lines of relationship log, for the demo activities.

``seed_demo_clients`` goes through the services, acting as a person working in each activity, so
the demo data obeys every rule (valid identifiers, Peppol ids, audit log). Identifiers are built
with ``siren_from``/``kbo_from``: valid, and not those of real companies.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from faker import Faker
from stdnum import luhn
from stdnum.fr import siren as siren_module
from stdnum.iso7064 import mod_11_10

from compagnon.core.demo import kbo_from, siren_from
from compagnon.members.models import ActivityRole, ActivityStatus, MemberStatus

from . import services
from .models import EntryKind


def siret_from(siren: str, establishment: int = 1) -> str:
    """A valid SIRET of ``siren``: the SIREN, a 4-digit establishment number, a Luhn check digit."""
    base = f"{siren}{establishment:04d}"
    return base + luhn.calc_check_digit(base)


def fr_vat(siren: str) -> str:
    return "FR" + siren_module.to_tva(siren)


def de_vat(n: int) -> str:
    base = f"{n % 10**8:08d}"
    if base[0] == "0":
        base = "1" + base[1:]
    return "DE" + base + mod_11_10.calc_check_digit(base)


def _fr_company(rng, name, street, postcode, city, *, siret=False, contacts=(), **extra):
    siren = siren_from(rng.randrange(10**7, 10**8))
    number = siret_from(siren, rng.randrange(1, 60)) if siret else siren
    return {
        "kind": "company",
        "name": name,
        "street": street,
        "postcode": postcode,
        "city": city,
        "country": "FR",
        "language": "fr",
        "company_number": number,
        "vat_number": fr_vat(siren) if not siret else "",
        "contacts": contacts,
        **extra,
    }


def _be_company(rng, name, street, postcode, city, *, language="nl", contacts=(), **extra):
    kbo = kbo_from(rng.randrange(10**6, 10**7))
    return {
        "kind": "company",
        "name": name,
        "street": street,
        "postcode": postcode,
        "city": city,
        "country": "BE",
        "language": language,
        "company_number": kbo,
        "vat_number": "BE" + kbo,
        "contacts": contacts,
        **extra,
    }


def _person(name, street, postcode, city, country="FR", language="fr", **extra):
    return {
        "kind": "individual",
        "name": name,
        "street": street,
        "postcode": postcode,
        "city": city,
        "country": country,
        "language": language,
        **extra,
    }


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _handmade(rng) -> dict[str, list[dict]]:
    """Clients of the named demo activities, with their story."""
    return {
        "Les Jardins de Camille": [
            _fr_company(
                rng,
                "Syndic Résidence Les Hortensias",
                "14 boulevard des Poilus",
                "44300",
                "Nantes",
                email="gestion@hortensias-syndic.demo",
                phone="+33 2 40 12 34 56",
                payment_terms_days=30,
                contacts=[
                    (
                        "Sophie Lambert",
                        "gestionnaire de copropriété",
                        "s.lambert@hortensias-syndic.demo",
                        "+33 2 40 12 34 57",
                        True,
                    ),
                    ("Marc Guérin", "gardien", "", "+33 6 45 67 89 01", False),
                ],
                log=[
                    (
                        EntryKind.MEETING,
                        -40,
                        "Visite annuelle des espaces verts",
                        "Tour de la résidence avec Mme Lambert et le gardien : haies à reprendre côté rue, massifs à replanter au printemps.",
                        None,
                        False,
                    ),
                    (
                        EntryKind.OUR_COMMITMENT,
                        -38,
                        "Envoyer le devis de taille des haies",
                        "",
                        -30,
                        True,
                    ),
                    (
                        EntryKind.THEIR_COMMITMENT,
                        -20,
                        "Vote du devis en assemblée générale",
                        "",
                        10,
                        False,
                    ),
                    (
                        EntryKind.OUR_COMMITMENT,
                        -3,
                        "Proposer un plan de replantation des massifs",
                        "Privilégier des vivaces peu gourmandes en eau.",
                        5,
                        False,
                    ),
                    (
                        EntryKind.REFLECTION,
                        -2,
                        "Relation solide",
                        "Client fidèle depuis trois ans, paie à 30 jours, décisions lentes (AG) : anticiper les devis.",
                        None,
                        False,
                    ),
                ],
            ),
            _person(
                "Hélène Dubois",
                "3 chemin de la Jaguère",
                "44400",
                "Rezé",
                email="helene.dubois@courriel.demo",
                phone="+33 6 11 22 33 44",
                site_street="Maison de campagne, 12 route de Pornic",
                site_postcode="44710",
                site_city="Port-Saint-Père",
                log=[
                    (
                        EntryKind.MEETING,
                        -15,
                        "Premier rendez-vous au jardin",
                        "Potager à remettre en état, verger de 6 arbres.",
                        None,
                        False,
                    ),
                    (EntryKind.THEIR_COMMITMENT, -14, "Laisser le code du portail", "", -4, False),
                ],
            ),
            _person(
                "Yves et Nadia Le Goff",
                "27 rue du Petit Chantilly",
                "44700",
                "Orvault",
                email="legoff.famille@courriel.demo",
            ),
            _fr_company(
                rng,
                "Mairie de Saint-Sébastien-sur-Loire",
                "Place Marcellin Verbe",
                "44230",
                "Saint-Sébastien-sur-Loire",
                siret=True,
                email="espaces-verts@saint-sebastien.demo",
                payment_terms_days=30,
                notes="Bon de commande obligatoire avant toute intervention ; factures via Chorus Pro.",
                contacts=[
                    (
                        "Didier Moreau",
                        "responsable des espaces verts",
                        "d.moreau@saint-sebastien.demo",
                        "+33 2 40 80 85 00",
                        True,
                    )
                ],
            ),
            _fr_company(
                rng,
                "Crèche associative Les Petites Pousses",
                "9 rue Paul Bellamy",
                "44000",
                "Nantes",
                email="bureau@petites-pousses.demo",
                contacts=[
                    ("Julie Perrin", "présidente", "julie.perrin@petites-pousses.demo", "", True)
                ],
            ),
        ],
        "Jardins Partagés Nantais": [
            _fr_company(
                rng,
                "Nantes Habitat Solidaire",
                "26 place Rosa Parks",
                "44000",
                "Nantes",
                siret=True,
                email="proximite@nantes-habitat-solidaire.demo",
                payment_terms_days=45,
                contacts=[
                    (
                        "Karim Haddad",
                        "chargé de proximité",
                        "k.haddad@nantes-habitat-solidaire.demo",
                        "+33 2 51 00 00 10",
                        True,
                    )
                ],
                log=[
                    (
                        EntryKind.MEETING,
                        -25,
                        "Atelier avec les habitants de Bellevue",
                        "Quinze personnes, fortes attentes sur les bacs potagers.",
                        None,
                        False,
                    ),
                    (
                        EntryKind.OUR_COMMITMENT,
                        -24,
                        "Chiffrer six bacs potagers accessibles",
                        "",
                        7,
                        False,
                    ),
                ],
            ),
            _fr_company(
                rng,
                "Association Les Amis du Jardin Extraordinaire",
                "Rue Joseph Cholet",
                "44100",
                "Nantes",
                email="contact@amis-jardin.demo",
            ),
            _person(
                "Claire Fontaine",
                "5 rue Noire",
                "44000",
                "Nantes",
                email="c.fontaine@courriel.demo",
            ),
        ],
        "Yanis Informatique": [
            _fr_company(
                rng,
                "Cabinet médical des Dervallières",
                "2 rue Auguste Renoir",
                "44100",
                "Nantes",
                siret=True,
                email="secretariat@cabinet-dervallieres.demo",
                phone="+33 2 40 46 00 00",
                contacts=[
                    (
                        "Dr Anne Vasseur",
                        "médecin associée",
                        "a.vasseur@cabinet-dervallieres.demo",
                        "",
                        True,
                    ),
                    (
                        "Laura Besnard",
                        "secrétaire médicale",
                        "secretariat@cabinet-dervallieres.demo",
                        "+33 2 40 46 00 01",
                        False,
                    ),
                ],
                log=[
                    (
                        EntryKind.MEETING,
                        -60,
                        "Audit du parc informatique",
                        "5 postes, un serveur NAS de 2015 sans sauvegarde externe.",
                        None,
                        False,
                    ),
                    (
                        EntryKind.OUR_COMMITMENT,
                        -58,
                        "Mettre en place la sauvegarde externalisée",
                        "",
                        -45,
                        True,
                    ),
                    (
                        EntryKind.OUR_COMMITMENT,
                        -7,
                        "Remplacer le poste de l'accueil",
                        "",
                        14,
                        False,
                    ),
                    (
                        EntryKind.REFLECTION,
                        -6,
                        "Bonne collaboration",
                        "Demandes claires, mais interventions à caler hors consultations.",
                        None,
                        False,
                    ),
                ],
            ),
            _fr_company(
                rng,
                "Librairie La Géode",
                "8 rue de Verdun",
                "44000",
                "Nantes",
                email="contact@librairie-geode.demo",
                payment_terms_days=15,
            ),
            _person(
                "Robert Chevalier",
                "41 avenue de la Libération",
                "44400",
                "Rezé",
                phone="+33 2 40 75 00 00",
                notes="Préfère être appelé le matin.",
                log=[
                    (
                        EntryKind.THEIR_COMMITMENT,
                        -2,
                        "Retrouver le mot de passe de la box",
                        "",
                        3,
                        False,
                    ),
                ],
            ),
            _be_company(
                rng,
                "Digitale Brug vzw",
                "Vlaanderenstraat 40",
                "9000",
                "Gent",
                email="info@digitalebrug.demo",
                contacts=[("Els Maes", "coördinator", "els@digitalebrug.demo", "", True)],
            ),
            {
                "kind": "company",
                "name": "Gartenwerk Rhein GmbH",
                "street": "Rheinallee 12",
                "postcode": "55116",
                "city": "Mainz",
                "country": "DE",
                "language": "de",
                "company_number": "HRB 41207",
                "vat_number": de_vat(rng.randrange(10**8)),
                "email": "buchhaltung@gartenwerk-rhein.demo",
            },
        ],
        "Ateliers numériques": [
            _fr_company(
                rng,
                "Centre socioculturel Malakoff",
                "1 rue d'Angleterre",
                "44000",
                "Nantes",
                email="accueil@csc-malakoff.demo",
                contacts=[
                    ("Fatou Diallo", "animatrice numérique", "f.diallo@csc-malakoff.demo", "", True)
                ],
                log=[
                    (
                        EntryKind.MEETING,
                        -12,
                        "Bilan du cycle d'ateliers seniors",
                        "12 participants réguliers, demande d'un cycle « smartphone ».",
                        None,
                        False,
                    ),
                ],
            ),
            _fr_company(
                rng,
                "Médiathèque Diderot",
                "Place Lucien Le Meut",
                "44400",
                "Rezé",
                siret=True,
                email="mediatheque@reze.demo",
            ),
        ],
        "Collectif Podium / Podiumcollectief": [
            _be_company(
                rng,
                "Cultuurcentrum De Vlier vzw",
                "Sint-Pietersplein 5",
                "9000",
                "Gent",
                email="programmatie@devlier.demo",
                contacts=[
                    ("Jonas Claes", "programmator", "jonas@devlier.demo", "+32 9 000 12 34", True)
                ],
                log=[
                    (
                        EntryKind.MEETING,
                        -30,
                        "Voorstelling seizoen 2027",
                        "Twee voorstellingen in maart, technische fiche te bezorgen.",
                        None,
                        False,
                    ),
                    (EntryKind.OUR_COMMITMENT, -29, "Technische fiche bezorgen", "", -10, False),
                ],
            ),
            _be_company(
                rng,
                "Théâtre de la Balsamine ASBL",
                "Avenue Félix Marchal 1",
                "1030",
                "Schaerbeek",
                language="fr",
                email="diffusion@balsamine.demo",
            ),
            _person(
                "Famille Janssens",
                "Lindenlaan 8",
                "2800",
                "Mechelen",
                country="BE",
                language="nl",
                notes="Huwelijksfeest op 14 juni.",
            ),
        ],
    }


def _generated(rng, activity, fake) -> list[dict]:
    """Two to four plausible clients for any other activity, in its entity's country."""
    belgian = activity.entity.jurisdiction == "BE"
    out = []
    for i in range(rng.randrange(2, 5)):
        city_pick = rng.randrange(4)
        if belgian:
            postcode, city = [
                ("1000", "Bruxelles"),
                ("9000", "Gent"),
                ("2000", "Antwerpen"),
                ("1060", "Saint-Gilles"),
            ][city_pick]
        else:
            postcode, city = [
                ("44000", "Nantes"),
                ("49100", "Angers"),
                ("44600", "Saint-Nazaire"),
                ("49300", "Cholet"),
            ][city_pick]
        street = fake.street_address()
        if i % 3 == 2:
            out.append(
                _person(
                    fake.name(),
                    street,
                    postcode,
                    city,
                    country="BE" if belgian else "FR",
                    language=activity.document_language
                    if activity.document_language in ("fr", "nl")
                    else "fr",
                    email=fake.free_email(),
                )
            )
            continue
        contact = (fake.name(), "", fake.company_email(), fake.phone_number()[:30], True)
        company = fake.company()[:120]
        if belgian:
            out.append(
                _be_company(
                    rng,
                    company,
                    street,
                    postcode,
                    city,
                    language="fr" if city_pick in (0, 3) else "nl",
                    email=fake.company_email(),
                    contacts=[contact],
                )
            )
        else:
            out.append(
                _fr_company(
                    rng,
                    company,
                    street,
                    postcode,
                    city,
                    email=fake.company_email(),
                    contacts=[contact],
                    log=[
                        (
                            EntryKind.MEETING,
                            -rng.randrange(5, 90),
                            "Premier rendez-vous",
                            "",
                            None,
                            False,
                        )
                    ],
                )
            )
    return out


def _worker(activity):
    """Someone who may add clients to ``activity``: a holder first, else any member still in."""
    memberships = sorted(
        activity.memberships.select_related("member__user"),
        key=lambda m: (m.role != ActivityRole.HOLDER, m.pk),
    )
    for m in memberships:
        if m.member.status != MemberStatus.LEFT:
            return m.member.user
    return None


def seed_demo_clients(activities_by_name: dict, rng: random.Random) -> int:
    """Add demo clients to the given activities (name → Activity); returns how many were added.

    Activities that already have clients, are closed or have nobody left working in them are
    skipped, so running it again adds nothing.
    """
    handmade = _handmade(rng)
    fakes = {"FR": Faker("fr_FR"), "BE": Faker("nl_BE")}
    for fake in fakes.values():
        fake.seed_instance(rng.randrange(10**6))
    created = 0
    for name in sorted(activities_by_name):
        activity = activities_by_name[name]
        if activity.status == ActivityStatus.CLOSED or activity.clients.exists():
            continue
        actor = _worker(activity)
        if actor is None:
            continue
        specs = handmade.get(name) or _generated(
            rng, activity, fakes.get(activity.entity.jurisdiction, fakes["FR"])
        )
        for spec in specs:
            spec = dict(spec)
            contacts = spec.pop("contacts", ())
            log = spec.pop("log", ())
            client = services.create_client(actor=actor, activity=activity, **spec)
            for contact_name, role, email, phone, primary in contacts:
                services.add_contact(
                    actor=actor,
                    client=client,
                    name=contact_name,
                    role=role,
                    email=email,
                    phone=phone,
                    is_primary=primary,
                )
            for kind, day, title, body, due_in, done in log:
                entry = services.add_relationship_entry(
                    actor=actor,
                    client=client,
                    kind=kind,
                    date=_days(day),
                    title=title,
                    body=body,
                    due_on=_days(due_in) if due_in is not None else None,
                )
                if done:
                    services.mark_commitment_done(actor=actor, entry=entry)
            created += 1
    return created
