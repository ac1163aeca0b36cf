"""Demo data of shared procedures: in the French entity, member1 (a gardener) is named referent of
gardening; four procedures are in force (pruning safety and hedge trimming — the latter in its
second version —, laptop fan cleaning and data backup before a repair), one draft waits for
member1's review, and member1's sheet of the day carries the hedge-trimming checklist with an item
ticked. In each Belgian entity, one procedure in force in Dutch. Everything goes through the
services, acted by the people concerned. Idempotent: an entity with procedures is left alone."""

from __future__ import annotations

from django.utils import timezone

from compagnon.accounts.models import Role, RoleAssignment, User
from compagnon.members.models import Member, MemberStatus, Trade

from . import services
from .models import Procedure

T = True

PRUNING = {
    "title": "Sécurité de la taille et de l'élagage", "kind": "safety",
    "tools": "Gants anti-coupure\nLunettes de protection\nCasque antibruit\nÉchelle à plateforme\nTrousse de secours",
    "safety": "Jamais de taille au-dessus des épaules avec un taille-haie thermique. À deux dès qu'on monte sur une "
              "échelle. Repérer les lignes électriques : 3 mètres minimum.",
    "steps": [("Mettre les équipements de protection : gants, lunettes, casque antibruit, chaussures de sécurité.", T),
              ("Repérer les lignes électriques, les clôtures et les passages autour de la zone.", T),
              ("Baliser la zone de chute des branches et prévenir le client.", T),
              ("Vérifier l'échelle : pieds stables, plateforme bloquée, un collègue au pied.", T),
              ("Couper les grosses branches en plusieurs fois, de l'extérieur vers le tronc.", False),
              ("Ranger les outils lames protégées et ramasser toutes les chutes.", T)],
}
HEDGE = {
    "title": "Taille d'une haie", "kind": "maintenance",
    "tools": "Taille-haie\nCisaille\nBâche de ramassage\nSacs à déchets verts",
    "safety": "Entre le 15 mars et le 31 juillet, ne pas tailler une haie où des oiseaux nichent.",
    "steps": [("Faire le tour de la haie : nids, fils, arrosage automatique.", T),
              ("Étendre la bâche au pied de la haie.", False),
              ("Tailler les côtés de bas en haut, lame parallèle à la haie.", False),
              ("Tailler le dessus en dernier, au cordeau si le client le souhaite.", False),
              ("Ramasser les déchets verts et les peser pour la fiche.", T)],
}
HEDGE_V2_STEP = ("Vérifier avec le client la hauteur souhaitée et noter les plantes à ne pas toucher.", T)
FAN = {
    "title": "Nettoyage du ventilateur d'un ordinateur portable", "kind": "repair",
    "tools": "Tournevis cruciforme PH0\nBombe d'air sec\nBracelet antistatique\nPâte thermique",
    "safety": "Débrancher le chargeur et retirer la batterie avant d'ouvrir. Bracelet antistatique relié à la terre.",
    "steps": [("Sauvegarder les données du client (procédure « Sauvegarde avant réparation »).", T),
              ("Débrancher le chargeur, retirer la batterie, mettre le bracelet antistatique.", T),
              ("Ouvrir le capot inférieur en rangeant les vis dans l'ordre.", False),
              ("Bloquer l'hélice du ventilateur et souffler la poussière par petites pressions.", False),
              ("Changer la pâte thermique si elle est sèche.", False),
              ("Refermer, redémarrer et vérifier la température au repos.", T)],
}
BACKUP = {
    "title": "Sauvegarde des données avant réparation", "kind": "repair",
    "tools": "Disque externe de l'atelier (chiffré)\nClé USB de démarrage",
    "safety": "Ne jamais garder une copie des données du client après la restitution : effacer le disque.",
    "steps": [("Demander au client ce qui est important et noter son accord écrit.", T),
              ("Copier le dossier utilisateur sur le disque chiffré de l'atelier.", T),
              ("Ouvrir trois fichiers au hasard pour vérifier la copie.", T),
              ("Après la restitution, effacer la copie et le noter sur la fiche.", T)],
}
DRAFT = {
    "title": "Broyage des déchets verts chez le client", "kind": "safety",
    "tools": "Broyeur du secteur\nGants\nLunettes\nCasque antibruit",
    "safety": "Jamais les mains dans la trémie : pousser avec une branche.",
    "steps": [("Installer le broyeur sur un sol plat, loin des fenêtres.", T),
              ("Mettre les protections : gants, lunettes, casque antibruit.", T),
              ("Introduire les branches par le gros bout, une à la fois.", False)],
}
DUTCH = {
    "title": "Veilig snoeien met de heggenschaar", "kind": "safety",
    "tools": "Snijbestendige handschoenen\nVeiligheidsbril\nGehoorbescherming",
    "safety": "Nooit boven schouderhoogte werken met een motorheggenschaar.",
    "steps": [("Trek handschoenen, veiligheidsbril en gehoorbescherming aan.", T),
              ("Controleer de haag op nesten en draden.", T),
              ("Snoei van onder naar boven, het blad evenwijdig aan de haag.", False),
              ("Berg de heggenschaar op met de beschermkap op het blad.", T)],
}


def _steps(data: dict) -> list[dict]:
    return [{"text": text, "to_tick": tick} for text, tick in data["steps"]]


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").order_by("id").first()
    return ra.user if ra else None


def _member(email: str, entity) -> Member | None:
    user = User.objects.filter(email=email).first()
    if user is None:
        return None
    return Member.objects.filter(user=user, entity=entity).select_related("user").first()


def _others(entity, trade, exclude) -> list[Member]:
    qs = Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT).exclude(pk__in=exclude)
    if trade is not None:
        with_trade = list(qs.filter(trades=trade).select_related("user").order_by("id")[:2])
        if with_trade:
            return with_trade
    return list(qs.select_related("user").order_by("id")[:2])


def _in_force(author, reviewer, entity, trade, data, *, language=None):
    version = services.create_procedure(actor=author, entity=entity, trade=trade, kind=data["kind"],
                                        title=data["title"], tools=data["tools"], safety=data["safety"],
                                        steps=_steps(data), language=language)
    services.submit(actor=author, version=version)
    services.review(actor=reviewer, version=version, decision="validate")
    version.procedure.refresh_from_db()
    return version.procedure


def _seed_french(entity, admin, out):
    gardening, it = Trade.objects.filter(code="gardening").first(), Trade.objects.filter(code="it-repair").first()
    member1, member2 = _member("member1@demo.coop", entity), _member("member2@demo.coop", entity)
    if gardening is None or it is None or member1 is None:
        return
    services.name_referent(actor=admin, entity=entity, trade=gardening, member=member1)
    gardener = (_others(entity, gardening, [member1.pk, *( [member2.pk] if member2 else [])]) or [member1])[0]
    technician = member2 or gardener
    _in_force(gardener.user, member1.user, entity, gardening, PRUNING)
    hedge = _in_force(member1.user, member1.user, entity, gardening, HEDGE)
    proposal = services.propose_version(actor=gardener.user, procedure=hedge)
    services.save_draft(actor=gardener.user, version=proposal, title=HEDGE["title"], tools=HEDGE["tools"],
                        safety=HEDGE["safety"], steps=[{"text": HEDGE_V2_STEP[0], "to_tick": T}, *_steps(HEDGE)],
                        change_note="Accord du client sur la hauteur avant de commencer")
    services.submit(actor=gardener.user, version=proposal)
    services.review(actor=member1.user, version=proposal, decision="validate")
    _in_force(technician.user, admin, entity, it, BACKUP)
    _in_force(technician.user, admin, entity, it, FAN)
    out["in_force"] += 4
    waiting = services.create_procedure(actor=gardener.user, entity=entity, trade=gardening, kind=DRAFT["kind"],
                                        title=DRAFT["title"], tools=DRAFT["tools"], safety=DRAFT["safety"],
                                        steps=_steps(DRAFT))
    services.submit(actor=gardener.user, version=waiting)
    out["waiting"] += 1
    hedge.refresh_from_db()
    _sheet_with_checklist(member1, hedge, out)


def _sheet_with_checklist(member, procedure, out):
    from compagnon.fieldwork.models import Visit, VisitState
    from compagnon.interventions import services as sheet_services
    from compagnon.interventions.models import Sheet, SheetState

    today = timezone.localdate()
    visits = (Visit.objects.filter(member=member).exclude(state=VisitState.CANCELLED)
              .exclude(sheet__state__in=[s for s in SheetState.values if s != SheetState.DRAFT]))
    visit = visits.filter(day=today).order_by("starts_at", "id").first() or visits.order_by("-day", "id").first()
    if visit is None:
        return
    sheet = sheet_services.ensure_sheet(actor=member.user, visit=visit)
    sheet = Sheet.objects.get(pk=sheet.pk)
    checklist = services.attach_checklist(actor=member.user, sheet=sheet, procedure=procedure)
    items = list(checklist.version.steps.filter(to_tick=True).order_by("position")[:2])
    services.set_ticks(actor=member.user, checklist=checklist, done=[s.pk for s in items])
    out["checklists"] += 1


def _seed_belgian(entity, admin, out):
    gardening = Trade.objects.filter(code="gardening").first() or Trade.objects.order_by("code").first()
    people = _others(entity, gardening, [])
    if gardening is None or not people:
        return
    _in_force(people[0].user, admin, entity, gardening, DUTCH, language="nl")
    out["in_force"] += 1


def seed_demo_procedures(entities) -> dict:
    out = {"in_force": 0, "waiting": 0, "checklists": 0}
    for entity in entities:
        admin = _admin(entity)
        if admin is None or Procedure.objects.filter(entity=entity).exists():
            continue
        if entity.jurisdiction == "FR":
            _seed_french(entity, admin, out)
        else:
            _seed_belgian(entity, admin, out)
    return out


seed = seed_demo_procedures
