"""Demo data of peer help, through the services and acted by the people concerned. In the French
entity: Camille (member1) asked how to back up her site photos, Yanis (member2, IT repair) answered,
Camille accepted it and Léa found it helpful (Yanis is thus a helper in the directory); Léa asked
about mulch, Camille answered; a question about a broken mower waits for an answer (Camille is
among the gardeners it reached). In the Belgian entity, a question in Dutch with an answer.
Idempotent: an entity that already has questions is left alone."""

from __future__ import annotations

from compagnon.members.models import Member, MemberStatus, Trade

from . import matching, services
from .models import Question


def _trade(code):
    return Trade.objects.filter(code=code).first()


def _people(entity) -> list[Member]:
    return list(Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT)
                .select_related("user").order_by("id"))


def _ask(member, **kw) -> Question:
    q = services.ask(actor=member.user, **kw)
    matching.match(q.pk)
    return q


def _french(entity, people) -> int:
    by_email = {m.user.email: m for m in people}
    camille, yanis = by_email.get("member1@demo.coop"), by_email.get("member2@demo.coop")
    lea = by_email.get("lea.rousseau@demo.coop")
    others = [m for m in people if m not in (camille, yanis, lea)]
    if camille is None or yanis is None:
        return 0
    lea = lea or others.pop(0)
    asker3 = others[0] if others else lea
    q1 = _ask(camille, title="Comment sauvegarder automatiquement les photos de mes chantiers ?",
              trade=_trade("it-repair"), skills="sauvegarde, téléphone, photos",
              body="Je prends une vingtaine de photos par jour sur mon téléphone Android (avant/après, "
                   "devis). J'ai peur de tout perdre si je casse mon téléphone. Quelle solution simple ?")
    a1 = services.answer(actor=yanis.user, question=q1,
                         body="Le plus simple : activez la sauvegarde de Google Photos en Wi-Fi uniquement, "
                              "puis une fois par mois copiez le dossier sur un disque USB. Si vous préférez "
                              "éviter Google, Nextcloud sur le serveur de la coopérative fait la même chose. "
                              "Je peux vous montrer en 10 minutes.")
    services.accept(actor=camille.user, answer=a1)
    services.mark_helped(actor=lea.user, answer=a1)
    q2 = _ask(lea, title="Quel paillage pour un potager en sol argileux ?", trade=_trade("gardening"),
              skills="potagers, paillage",
              body="Un client à Rezé a un sol très lourd qui reste humide tout l'hiver.")
    services.answer(actor=camille.user, question=q2,
                    body="Pour un sol argileux, évitez la tonte fraîche en couche épaisse. Du BRF ou de la paille "
                         "en 5 cm, posés au printemps quand la terre s'est réchauffée, ça marche très bien.")
    _ask(asker3, title="Tondeuse autoportée en panne : réparer ou remplacer ?", trade=_trade("gardening"),
         skills="matériel, tondeuse",
         body="Ma tondeuse a 9 ans, le devis de réparation est de 650 €. Quelqu'un connaît un bon réparateur "
              "près de Nantes ?")
    return 3


def _belgian(entity, people) -> int:
    if len(people) < 2:
        return 0
    dutch = sorted(people, key=lambda m: (m.user.language != "nl", m.pk))
    asker, helper = dutch[0], dutch[1]
    q = _ask(asker, title="Welke boekhoudsoftware gebruiken jullie voor kleine klussen?", trade=None,
             skills="facturatie, software",
             body="Ik maak nu mijn facturen in een spreadsheet. Is er iets eenvoudigers dat goed samenwerkt "
                  "met de coöperatie?")
    services.answer(actor=helper.user, question=q,
                    body="Je kunt je offertes en facturen gewoon in Compagnon maken: ze komen meteen in de "
                         "boekhouding van de coöperatie terecht. Een aparte software heb je niet nodig.")
    return 1


def seed_demo_peerhelp(entities) -> dict:
    out = {"questions": 0}
    for entity in entities:
        if Question.objects.filter(entity=entity).exists():
            continue
        people = _people(entity)
        if not people:
            continue
        out["questions"] += (_belgian if entity.jurisdiction == "BE" else _french)(entity, people)
    return out
