"""Demo data of the help centre: per entity, three topics, three guides to Compagnon (sending a
quote — written by a member, reviewed and approved —, claiming an expense, reading the budget) in
French, Dutch and English, attached to the pages they explain, five FAQ entries, a member's
feedback and a confirmed expert. Everything goes through the services, acted by the people
concerned. Idempotent: an entity that already has topics is left alone."""

from __future__ import annotations

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import Member, MemberStatus

from . import catalogue, services
from .demo_texts import ARTICLES, FAQ, TOPICS
from .models import LANGUAGES, Topic


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").order_by("id").first()
    return ra.user if ra else None


def _members(entity) -> list[Member]:
    return list(Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT)
                .select_related("user").order_by("id")[:2])


def seed_demo_knowledge(entities) -> dict:
    out = {"topics": 0, "articles": 0, "faq": 0}
    for entity in entities:
        admin = _admin(entity)
        people = _members(entity)
        if admin is None or not people or Topic.objects.filter(entity=entity).exists():
            continue
        topics = {}
        for position, t in enumerate(TOPICS):
            values = {k: v for k, v in t.items() if k != "key"}
            topics[t["key"]] = catalogue.save_topic(actor=admin, entity=entity, position=position, **values)
            out["topics"] += 1
        first_language = entity.default_language if entity.default_language in LANGUAGES else "fr"
        order = [first_language, *[c for c in LANGUAGES if c != first_language]]
        articles = {}
        for item in ARTICLES:
            author = people[0].user if item["author"] == "member" else admin
            title, summary, body = item[order[0]]
            revision = services.create_article(actor=author, entity=entity, language=order[0], title=title,
                                               summary=summary, body=body, topic=topics[item["topic"]],
                                               kind=item["kind"])
            article = revision.translation.article
            if author != admin:
                services.submit(actor=author, article=article, language=order[0])
            services.review(actor=admin, article=article, language=order[0], decision="approve")
            for lang in order[1:]:
                title, summary, body = item[lang]
                services.save_draft(actor=admin, article=article, language=lang, title=title, summary=summary,
                                    body=body)
                services.review(actor=admin, article=article, language=lang, decision="approve")
            services.update_settings(actor=admin, article=article, topic=topics[item["topic"]], kind=item["kind"],
                                     shared=False, page_keys=item["pages"])
            articles[item["key"]] = article
            out["articles"] += 1
        for entry in FAQ:
            values = {k: v for k, v in entry.items() if k not in ("topic",)}
            catalogue.save_faq(actor=admin, entity=entity, topic=topics.get(entry["topic"]), **values)
            out["faq"] += 1
        reader = people[-1].user
        services.give_feedback(actor=reader, article=articles["budget"], language=order[0], useful=True,
                               comment="")
        expert = catalogue.volunteer(actor=people[0].user, topic=topics["documents"],
                                     note=_note(order[0]))
        catalogue.confirm_expert(actor=admin, expert=expert)
    return out


def _note(lang: str) -> str:
    return {"fr": "J'envoie tous mes devis depuis mon téléphone : demandez-moi.",
            "nl": "Ik verstuur al mijn offertes vanaf mijn telefoon: vraag het me gerust.",
            "en": "I send all my quotes from my phone: ask me."}[lang]


seed = seed_demo_knowledge
