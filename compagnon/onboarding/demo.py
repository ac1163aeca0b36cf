"""Demo data of onboarding: per entity, the path of new members (six steps: how the cooperative
works, the charter to read and sign, the welcome meeting, the profile, a first expense claim, a first
quote — the explanations point at the help centre's guides when they exist) and the path of the
first months (five steps: the budget, expenses, the three-month review, the shared equipment
charter, offering one's help), given to the members already there; the first member on each path
already two steps in; the kit (two templates, two key contacts). Everything
goes through the services, acted by the administrator and the members. Idempotent: an entity that
already has a path is left alone."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import Maturity

from . import building, services
from .models import LANGUAGES, Assignment, Path, StepKind

STEPS = [
    {"kind": StepKind.EXPLAIN, "page": "sales-document",
     "title_fr": "Comment fonctionne la coopérative", "title_nl": "Hoe de coöperatie werkt",
     "title_en": "How the cooperative works",
     "text_fr": "Vous gardez vos clients, vos prix et vos décisions ; la coopérative facture pour vous, tient "
                "les comptes et vous verse un salaire. Lisez le guide, puis marquez l'étape comme faite.",
     "text_nl": "Je houdt je klanten, je prijzen en je beslissingen; de coöperatie factureert voor jou, houdt de "
                "boeken bij en betaalt je een loon. Lees de gids en duid de stap daarna aan als gedaan.",
     "text_en": "You keep your clients, your prices and your decisions; the cooperative invoices for you, keeps "
                "the books and pays you a salary. Read the guide, then mark the step done."},
    {"kind": StepKind.SIGN,
     "title_fr": "Lire et signer la charte", "title_nl": "Het charter lezen en ondertekenen",
     "title_en": "Read and sign the charter",
     "text_fr": "Charte de la coopérative\n\n1. Chacun·e décide de ses clients, de ses prix et de son planning.\n"
                "2. La coopérative émet les factures au nom de l'activité et tient une comptabilité ouverte "
                "à chaque membre.\n3. Une contribution est prélevée sur le chiffre d'affaires encaissé.\n"
                "4. Nous nous entraidons : partage d'outils, de savoirs et de chantiers.",
     "text_nl": "Charter van de coöperatie\n\n1. Ieder beslist over zijn klanten, prijzen en planning.\n"
                "2. De coöperatie reikt de facturen uit in naam van de activiteit en houdt een boekhouding bij "
                "die open is voor elk lid.\n3. Op de ontvangen omzet wordt een bijdrage afgehouden.\n"
                "4. We helpen elkaar: we delen gereedschap, kennis en werven.",
     "text_en": "The cooperative's charter\n\n1. Everyone decides on their clients, prices and planning.\n"
                "2. The cooperative issues invoices in the activity's name and keeps books open to every "
                "member.\n3. A contribution is charged on the revenue cashed.\n"
                "4. We help each other: sharing tools, knowledge and work."},
    {"kind": StepKind.MEETING,
     "title_fr": "Réunion d'accueil", "title_nl": "Onthaalbijeenkomst", "title_en": "Welcome meeting",
     "text_fr": "Une heure avec votre conseiller·e et les autres nouveaux membres.",
     "text_nl": "Een uur met je adviseur en de andere nieuwe leden.",
     "text_en": "One hour with your advisor and the other new members."},
    {"kind": StepKind.TASK,
     "title_fr": "Compléter son profil", "title_nl": "Je profiel aanvullen", "title_en": "Complete your profile",
     "text_fr": "Votre téléphone, votre ville, vos savoir-faire : les autres membres vous trouvent ainsi.",
     "text_nl": "Je telefoon, je stad, je vaardigheden: zo vinden de andere leden je.",
     "text_en": "Your phone, your town, your skills: that is how other members find you."},
    {"kind": StepKind.EXPLAIN, "page": "expenses-new",
     "title_fr": "Votre première note de frais", "title_nl": "Je eerste onkostennota",
     "title_en": "Your first expense claim",
     "text_fr": "Une photo du ticket suffit. Le guide montre chaque geste.",
     "text_nl": "Een foto van het bonnetje volstaat. De gids toont elke stap.",
     "text_en": "A photo of the receipt is enough. The guide shows each tap."},
    {"kind": StepKind.TASK, "page": "sales-document",
     "title_fr": "Envoyer son premier devis", "title_nl": "Je eerste offerte versturen",
     "title_en": "Send your first quote",
     "text_fr": "Préparez un devis pour un vrai client et envoyez-le depuis Compagnon.",
     "text_nl": "Maak een offerte voor een echte klant en verstuur ze vanuit Compagnon.",
     "text_en": "Prepare a quote for a real client and send it from Compagnon."},
]

# The first months (maturity "developing"): five steps once the member has started.
STEPS_FIRST_MONTHS = [
    {"kind": StepKind.EXPLAIN, "page": "budget",
     "title_fr": "Lire le budget de son activité", "title_nl": "Het budget van je activiteit lezen",
     "title_en": "Read your activity's budget",
     "text_fr": "Ce que vous avez encaissé, dépensé, et ce que vous pouvez vous verser.",
     "text_nl": "Wat je ontving, uitgaf, en wat je jezelf kunt uitbetalen.",
     "text_en": "What you cashed, spent, and what you can pay yourself."},
    {"kind": StepKind.EXPLAIN, "page": "expenses-new",
     "title_fr": "Se faire rembourser ses frais", "title_nl": "Je onkosten terugbetaald krijgen",
     "title_en": "Get your expenses back",
     "text_fr": "Une photo du ticket, une catégorie, envoyer.", "text_nl": "Een foto van het bonnetje, een "
                                                                       "categorie, versturen.",
     "text_en": "A photo of the receipt, a category, send."},
    {"kind": StepKind.MEETING,
     "title_fr": "Point à trois mois", "title_nl": "Gesprek na drie maanden", "title_en": "Three-month review",
     "text_fr": "Votre conseiller·e fait le point avec vous : activité, clients, salaire.",
     "text_nl": "Je adviseur overloopt met jou je activiteit, klanten en loon.",
     "text_en": "Your advisor reviews your activity, clients and salary with you."},
    {"kind": StepKind.SIGN,
     "title_fr": "Charte des outils partagés", "title_nl": "Charter van het gedeelde materiaal",
     "title_en": "Shared equipment charter",
     "text_fr": "J'emprunte le matériel partagé en le réservant, je le rends propre et à l'heure, je signale "
                "toute panne.",
     "text_nl": "Ik leen gedeeld materiaal na reservatie, breng het proper en op tijd terug en meld elk defect.",
     "text_en": "I book shared equipment before borrowing it, return it clean and on time, and report any fault."},
    {"kind": StepKind.TASK,
     "title_fr": "Proposer son aide dans le centre d'aide", "title_nl": "Je hulp aanbieden in het helpcentrum",
     "title_en": "Offer your help in the help centre",
     "text_fr": "Un thème que vous maîtrisez ? Devenez expert·e : d'autres membres pourront vous écrire.",
     "text_nl": "Een thema dat je goed kent? Word expert: andere leden kunnen je dan schrijven.",
     "text_en": "A topic you know well? Become an expert: other members can then write to you."},
]

FIRST_MONTHS_TITLES = {"title_fr": "Vos premiers mois", "title_nl": "Je eerste maanden",
                       "title_en": "Your first months",
                       "intro_fr": "Vous avez démarré : cinq étapes pour bien tenir votre activité.",
                       "intro_nl": "Je bent gestart: vijf stappen om je activiteit goed op te volgen.",
                       "intro_en": "You have started: five steps to keep your activity on track."}

PATH_TITLES = {"title_fr": "Vos premiers pas", "title_nl": "Je eerste stappen", "title_en": "Your first steps",
               "intro_fr": "Bienvenue ! Six étapes pour bien démarrer, à votre rythme.",
               "intro_nl": "Welkom! Zes stappen om goed te starten, op je eigen tempo.",
               "intro_en": "Welcome! Six steps to a good start, at your own pace."}

KIT_FILES = [
    ({"fr": "Modèle de grille tarifaire", "nl": "Sjabloon prijslijst", "en": "Price list template"},
     {"fr": "À remplir avec vos prestations avant votre premier devis.",
      "nl": "In te vullen met je diensten vóór je eerste offerte.",
      "en": "Fill it in with your services before your first quote."},
     "price-list.csv", "service;unit;price excl. VAT\nHedge trimming;hour;45.00\nLawn mowing;m2;0.30\n"),
    ({"fr": "Liste de vérification du premier mois", "nl": "Checklist van de eerste maand",
      "en": "First month checklist"},
     {"fr": "Assurance, compte bancaire, profil, premier devis.", "nl": "Verzekering, bankrekening, profiel, "
                                                                     "eerste offerte.",
      "en": "Insurance, bank account, profile, first quote."},
     "first-month.txt", "[ ] Profile complete\n[ ] IBAN given\n[ ] Charter signed\n[ ] First quote sent\n"),
]


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").order_by("id").first()
    return ra.user if ra else None


def _article(entity, page_key):
    from compagnon.knowledge.models import HelpLink

    link = HelpLink.objects.filter(page_key=page_key, article__entity=entity,
                                   article__published_at__isnull=False).select_related("article").first()
    return link.article if link else None


def seed_demo_onboarding(entities) -> dict:
    out = {"paths": 0, "steps": 0, "members": 0, "kit": 0}
    now = timezone.now()
    for entity in entities:
        admin = _admin(entity)
        if admin is None or Path.objects.filter(entity=entity).exists():
            continue
        office = entity.offices.order_by("id").first()
        for maturity, titles, steps, days in ((Maturity.NEW, PATH_TITLES, STEPS, 7),
                                              (Maturity.DEVELOPING, FIRST_MONTHS_TITLES, STEPS_FIRST_MONTHS, 21)):
            path = building.save_path(actor=admin, entity=entity, maturity=maturity, **titles)
            out["paths"] += 1
            for spec in steps:
                values = {k: v for k, v in spec.items() if k not in ("kind", "page")}
                extra = {}
                if spec["kind"] == StepKind.MEETING:
                    when = (now + datetime.timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)
                    extra = {"meeting_at": when, "meeting_place": office.name if office else entity.city}
                article = _article(entity, spec["page"]) if spec.get("page") else None
                building.save_step(actor=admin, path=path, kind=spec["kind"], article=article, **extra, **values)
                out["steps"] += 1
            out["members"] += building.give_to_members(actor=admin, path=path)
            _walk_first(path)
        out["kit"] += _kit(admin, entity)
    return out


def _kit(admin, entity) -> int:
    lang = entity.default_language if entity.default_language in LANGUAGES else "fr"
    for position, (titles, descriptions, name, content) in enumerate(KIT_FILES):
        building.add_kit_file(actor=admin, entity=entity, title=titles[lang], description=descriptions[lang],
                              uploaded_file=ContentFile(content.encode(), name=name), position=position)
    contacts = {"fr": [("Accueil du bureau", "Salle de réunion, courrier, rendez-vous"),
                       ("Courtier en assurances", "Responsabilité civile professionnelle, sinistres")],
                "nl": [("Onthaal van het kantoor", "Vergaderzaal, post, afspraken"),
                       ("Verzekeringsmakelaar", "Beroepsaansprakelijkheid, schadegevallen")],
                "en": [("Office reception", "Meeting room, mail, appointments"),
                       ("Insurance broker", "Professional liability, claims")]}[lang]
    domain = (entity.email or "contact@demo.coop").split("@")[-1]
    for position, (name, role) in enumerate(contacts):
        building.save_contact(actor=admin, entity=entity, name=name, role=role, position=position,
                              email=f"{'accueil' if position == 0 else 'assurance'}@{domain}",
                              phone="+33 2 40 00 00 00" if entity.jurisdiction == "FR" else "+32 2 500 00 00")
    return len(KIT_FILES) + len(contacts)


def _walk_first(path) -> None:
    """The first member on the path has done its first explanation and its first task."""
    assignment = (Assignment.objects.filter(path=path, active=True).select_related("member__user")
                  .order_by("member_id").first())
    if assignment is None:
        return
    member = assignment.member
    steps = list(path.steps.filter(archived=False).order_by("position"))
    for kind in (StepKind.EXPLAIN, StepKind.TASK):
        step = next((s for s in steps if s.kind == kind), None)
        if step is not None:
            services.mark_done(actor=member.user, member=member, step=step)


seed = seed_demo_onboarding
