"""Demo quotes and invoices, made through the same services a member uses."""

from __future__ import annotations

from decimal import Decimal as D

from compagnon import jurisdictions
from compagnon.members.models import ActivityStatus

from . import services
from .models import CatalogueItem, Kind, State

JOBS = {
    "gardening": [("Taille de haies", "HUR", D("42")), ("Tonte de pelouse", "HUR", D("38")), ("Évacuation des déchets verts", "LS", D("45"))],
    "it-repair": [("Diagnostic et dépannage", "HUR", D("55")), ("Installation d'un poste de travail", "LS", D("120")), ("Sauvegarde et migration des données", "LS", D("90"))],
    "training": [("Atelier découverte du numérique", "DAY", D("450")), ("Accompagnement individuel", "HUR", D("60"))],
    "graphic-design": [("Création d'identité visuelle", "LS", D("900")), ("Mise en page de brochure", "DAY", D("380"))],
    "music": [("Concert (formation trio)", "LS", D("1200")), ("Atelier d'éveil musical", "HUR", D("70"))],
}
DEFAULT_JOBS = [("Prestation de service", "HUR", D("50")), ("Forfait intervention", "LS", D("150"))]


def _lines(activity, rng, n=2):
    rules = jurisdictions.get(activity.entity.jurisdiction)
    rate = rules.vat_rates[0].rate
    jobs = JOBS.get(activity.trade.code if activity.trade_id else "", DEFAULT_JOBS)
    out = []
    for description, unit, price in rng.sample(jobs, k=min(n, len(jobs))):
        qty = D(rng.choice(["1", "2", "3.5", "4", "6"])) if unit != "LS" else D("1")
        out.append({"description": description, "quantity": qty, "unit": unit, "unit_price": price,
                    "vat_category": "S", "vat_rate": rate})
    return out


def seed_demo_documents(activities, rng) -> int:
    """For each active activity with clients: a catalogue, quotes in every state, issued invoices,
    a deposit + final invoice and a credit note where the story allows. Returns documents made."""
    made = 0
    states = [State.DRAFT, State.SENT, State.ACCEPTED, State.REFUSED, State.EXPIRED, State.IN_PRODUCTION]
    for n, activity in enumerate(a for a in activities if a.status == ActivityStatus.ACTIVE):
        holder = activity.memberships.filter(role="holder").select_related("member__user").first()
        clients = list(activity.clients.filter(archived=False).exclude(street="").order_by("id")[:4])
        if holder is None or not clients:
            continue
        user = holder.member.user
        rate = jurisdictions.get(activity.entity.jurisdiction).vat_rates[0].rate
        for description, unit, price in JOBS.get(activity.trade.code if activity.trade_id else "", DEFAULT_JOBS):
            CatalogueItem.objects.get_or_create(activity=activity, name=description,
                                                defaults={"unit": unit, "unit_price": price, "vat_rate": rate})
        # quotes through their life
        for i, target in enumerate(states if n < 3 else states[:3]):
            quote = services.create_document(actor=user, activity=activity, client=clients[i % len(clients)],
                                             kind=Kind.QUOTE, lines=_lines(activity, rng, 3),
                                             title="Devis" if activity.entity.jurisdiction == "FR" else "Offerte")
            path = {State.DRAFT: [], State.SENT: [State.SENT], State.ACCEPTED: [State.SENT, State.ACCEPTED],
                    State.REFUSED: [State.SENT, State.REFUSED], State.EXPIRED: [State.SENT, State.EXPIRED],
                    State.IN_PRODUCTION: [State.SENT, State.ACCEPTED, State.IN_PRODUCTION]}[target]
            for step in path:
                quote = services.change_quote_state(actor=user, document=quote, to_state=step)
            made += 1
            if target == State.IN_PRODUCTION and n < 2:
                deposit = services.invoice_from_quote(actor=user, quote=quote, mode="deposit", percent=D("30"))
                services.issue_document(actor=user, document=deposit)
                made += 1
                if n == 0:
                    final = services.invoice_from_quote(actor=user, quote=quote, mode="final")
                    services.issue_document(actor=user, document=final)
                    made += 1
        # invoices
        for i in range(2 if n < 6 else 1):
            inv = services.create_document(actor=user, activity=activity, client=clients[i % len(clients)],
                                           kind=Kind.INVOICE, lines=_lines(activity, rng))
            inv = services.issue_document(actor=user, document=inv)
            made += 1
            if n == 1 and i == 0:
                credit = services.credit_note_for(actor=user, invoice=inv)
                services.issue_document(actor=user, document=credit)
                made += 1
        draft = services.create_document(actor=user, activity=activity, client=clients[-1], kind=Kind.INVOICE,
                                         lines=_lines(activity, rng, 1))
        made += 1 if draft else 0
    return made
