"""Demo data of tenders, through the services: per entity, the CPV → trade table for the demo
trades and the cooperative's administrative documents (one expiring soon); in the French entity a
BOAMP record and a TED notice imported from files built like the official ones, a grant call
entered by hand, all matched (member1 the gardener, member2 the IT technician) and announced; a
group answer of member1 with Léa (checklist, documents attached) and a won answer turned into
jobs by agreed shares. In the Belgian entity a tender entered by hand, in Dutch. Idempotent: an
entity that already has notices is left alone."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import Member, Trade

from . import matching, services
from .models import AnswerMember, CpvTrade, Notice

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

CPV = {  # trade → (CPV prefixes, French keywords, Dutch keywords)
    "gardening": (["7731", "77211", "4511271"], "espaces verts, élagage, jardin", "groenonderhoud, tuin"),
    "it-repair": (["5031", "5032", "7250"], "maintenance informatique, parc informatique", "computeronderhoud"),
    "training": (["805", "8053"], "formation", "opleiding"),
    "graphic-design": (["79822", "7934"], "graphisme, identité visuelle", "grafisch ontwerp"),
    "consulting": (["7941"], "conseil, accompagnement", "advies"),
    "photography": (["7996"], "photographie, reportage photo", "fotografie"),
    "carpentry": (["45421", "4542"], "menuiserie", "schrijnwerk"),
    "translation": (["7953"], "traduction", "vertaling"),
    "music": (["9231", "9232"], "spectacle, concert", "voorstelling"),
    "web-development": (["7220", "72413"], "site internet, développement web", "website"),
    "home-help": (["8531", "98513"], "aide à domicile", "thuishulp"),
    "catering": (["5552", "5532"], "traiteur, restauration", "catering"),
}


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _boamp(today) -> bytes:
    deadline = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=19), datetime.time(12)))
    records = [
        {"idweb": f"{today:%y}-DEMO01", "objet": "Entretien des espaces verts des écoles de Rezé",
         "nomacheteur": "Ville de Rezé", "dateparution": (today - datetime.timedelta(days=3)).isoformat(),
         "datelimitereponse": deadline.isoformat(), "code_departement": ["44"], "type_marche": ["SERVICES"],
         "descripteur_libelle": ["Espaces verts", "Tonte"],
         "donnees": json.dumps({"OBJET": {"CPV": {"PRINCIPAL": "77310000"}, "CARACTERISTIQUES":
                                          {"VALEUR_ESTIMEE": "38000"}}})},
        {"idweb": f"{today:%y}-DEMO02", "objet": "Maintenance du parc informatique des médiathèques",
         "nomacheteur": "Nantes Métropole", "dateparution": (today - datetime.timedelta(days=2)).isoformat(),
         "datelimitereponse": (deadline + datetime.timedelta(days=7)).isoformat(), "code_departement": ["44"],
         "type_marche": ["SERVICES"], "descripteur_libelle": ["Maintenance informatique"],
         "donnees": json.dumps({"OBJET": {"CPV": {"PRINCIPAL": "50312000"}}})},
    ]
    return json.dumps(records, ensure_ascii=False).encode()


def _ted(today) -> bytes:
    end = today + datetime.timedelta(days=26)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
 xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
 xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1"
 xmlns:efbc="http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"
 xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1">
 <ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>
  <efac:Organizations><efac:Organization><efac:Company>
   <cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0001</cbc:ID></cac:PartyIdentification>
   <cac:PartyName><cbc:Name languageID="FRA">Département de Loire-Atlantique</cbc:Name></cac:PartyName>
  </efac:Company></efac:Organization></efac:Organizations>
  <efac:Publication><efbc:NoticePublicationID schemeName="ojs-notice-id">00{today:%m%d}99-{today:%Y}</efbc:NoticePublicationID>
  <efbc:PublicationDate>{today.isoformat()}+01:00</efbc:PublicationDate></efac:Publication>
 </efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
 <cbc:ID schemeName="notice-id">5b0e3d8e-1f2a-4c3b-9d4e-{today:%Y%m%d}0001</cbc:ID>
 <cbc:IssueDate>{today.isoformat()}+01:00</cbc:IssueDate>
 <cac:ContractingParty><cac:Party><cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0001</cbc:ID>
 </cac:PartyIdentification></cac:Party></cac:ContractingParty>
 <cac:ProcurementProject>
  <cbc:Name languageID="FRA">Élagage des arbres d'alignement des routes départementales</cbc:Name>
  <cbc:Description languageID="FRA">Taille douce et élagage de 400 arbres, secteur sud Loire.</cbc:Description>
  <cbc:ProcurementTypeCode listName="contract-nature">services</cbc:ProcurementTypeCode>
  <cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">77211400</cbc:ItemClassificationCode>
  </cac:MainCommodityClassification>
  <cac:RealizedLocation><cac:Address><cbc:CountrySubentityCode listName="nuts">FRG01</cbc:CountrySubentityCode>
  <cac:Country><cbc:IdentificationCode listName="country">FRA</cbc:IdentificationCode></cac:Country></cac:Address>
  </cac:RealizedLocation>
  <cac:RequestedTenderTotal><cbc:EstimatedOverallContractAmount currencyID="EUR">24000</cbc:EstimatedOverallContractAmount>
  </cac:RequestedTenderTotal>
 </cac:ProcurementProject>
 <cac:ProcurementProjectLot><cbc:ID schemeName="Lot">LOT-0001</cbc:ID><cac:TenderingProcess>
  <cac:TenderSubmissionDeadlinePeriod><cbc:EndDate>{end.isoformat()}+01:00</cbc:EndDate><cbc:EndTime>12:00:00+01:00</cbc:EndTime>
  </cac:TenderSubmissionDeadlinePeriod></cac:TenderingProcess></cac:ProcurementProjectLot>
</ContractNotice>""".encode()


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").order_by("id").first()
    return ra.user if ra else None


def seed_demo_tenders(entities) -> dict:
    out = {"notices": 0, "answers": 0, "documents": 0}
    today = timezone.localdate()
    for entity in entities:
        admin = _admin(entity)
        if admin is None or Notice.objects.filter(entity=entity).exists():
            continue
        with translation.override(entity.default_language):
            _mappings(entity)
            out["documents"] += _documents(admin, entity, today)
            if entity.jurisdiction == "FR":
                made = _french(admin, entity, today)
            else:
                made = _belgian(admin, entity, today)
            out["notices"] += made["notices"]
            out["answers"] += made["answers"]
    return out


def _mappings(entity):
    dutch = entity.default_language == "nl"
    trades = {t.code: t for t in Trade.objects.filter(code__in=CPV)}
    rows = []
    for code, (prefixes, fr, nl) in CPV.items():
        if code not in trades:
            continue
        rows += [CpvTrade(entity=entity, trade=trades[code], cpv_prefix=p) for p in prefixes]
        rows.append(CpvTrade(entity=entity, trade=trades[code], keywords=nl if dutch else fr))
    CpvTrade.objects.bulk_create(rows)


def _documents(admin, entity, today) -> int:
    be = entity.jurisdiction == "BE"
    papers = [
        ("registration", "Uittreksel KBO" if be else "Extrait K-bis", 20, 70),
        ("social", "Attest RSZ" if be else "Attestation de vigilance URSSAF", 170, 12),  # expiring soon
        ("tax", "Fiscaal attest" if be else "Attestation de régularité fiscale", 40, 325),
        ("insurance", "Attest BA-verzekering" if be else "Attestation d'assurance RC professionnelle", 60, 305),
    ]
    for kind, title, issued_ago, expires_in in papers:
        services.save_admin_document(actor=admin, entity=entity, kind=kind, title=title, upload=_pdf(f"{kind}.pdf"),
                                     issued_on=today - datetime.timedelta(days=issued_ago),
                                     expires_on=today + datetime.timedelta(days=expires_in))
    return len(papers)


def _by_email(entity, email):
    return Member.objects.filter(entity=entity, user__email=email).select_related("user").first()


def _french(admin, entity, today) -> dict:
    boamp = services.import_notices(actor=admin, entity=entity, source="boamp", name="boamp-export.json",
                                    data=_boamp(today))
    ted = services.import_notices(actor=admin, entity=entity, source="ted", name="ted-eforms.xml", data=_ted(today))
    grant = services.save_notice(
        actor=admin, entity=entity, kind="grant", title="Appel à projets « Jardins nourriciers et espaces verts »",
        buyer="Région Pays de la Loire", department="44", published_on=today - datetime.timedelta(days=5),
        description="Aide jusqu'à 15 000 € pour créer ou animer des jardins partagés dans les quartiers.",
        deadline=timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=40),
                                                               datetime.time(17))),
        link="https://www.paysdelaloire.fr/", estimated_value=Decimal("15000"))
    notices = boamp.created + ted.created + [grant]
    matching.announce([n.pk for n in notices])
    answers = 0
    camille, lea = _by_email(entity, "member1@demo.coop"), _by_email(entity, "lea.rousseau@demo.coop")
    if camille and lea and boamp.created and ted.created:
        # a group answer in preparation
        green = boamp.created[0]
        answer = services.open_answer(actor=camille.user, notice=green)
        row = services.invite(actor=camille.user, answer=answer, member=lea, role="partner", share=Decimal("40"))
        services.respond(actor=lea.user, row=row, accept=True)
        lead_row = AnswerMember.objects.get(answer=answer, member=camille)
        services.set_shares(actor=camille.user, answer=answer, shares={lead_row.pk: Decimal("60"),
                                                                       row.pk: Decimal("40")})
        services.toggle_item(actor=lea.user, item=answer.checklist.order_by("position").first())
        services.attach_admin_documents(actor=camille.user, answer=answer)
        # a won answer, declared as jobs by shares
        trees = ted.created[0]
        won = services.open_answer(actor=camille.user, notice=trees)
        row = services.invite(actor=camille.user, answer=won, member=lea, role="partner", share=Decimal("50"))
        services.respond(actor=lea.user, row=row, accept=True)
        lead_row = AnswerMember.objects.get(answer=won, member=camille)
        services.set_shares(actor=camille.user, answer=won, shares={lead_row.pk: Decimal("50"), row.pk: Decimal("50")})
        services.submit(actor=camille.user, answer=won)
        activity = camille.activity_memberships.filter(role="holder").select_related("activity").order_by(
            "activity_id").first()
        lea_activity = lea.activity_memberships.select_related("activity").order_by("activity_id").first()
        if activity and lea_activity:
            services.record_outcome(actor=camille.user, answer=won, outcome="won", won_amount=Decimal("22500"),
                                    starts_on=today + datetime.timedelta(days=45),
                                    ends_on=today + datetime.timedelta(days=75), activity=activity.activity)
            services.declare_share(actor=lea.user, row=row, activity=lea_activity.activity)
        answers += 2
    return {"notices": len(notices), "answers": answers}


def _belgian(admin, entity, today) -> dict:
    notice = services.save_notice(
        actor=admin, entity=entity, kind="tender", title="Onderhoud van de groene ruimten van de stad Gent",
        buyer="Stad Gent", nuts="BE234", postcode="9000", cpv_codes=["77310000"],
        published_on=today - datetime.timedelta(days=4),
        description="Maaien, snoeien en onderhoud van parken en pleinen, perceel 2.",
        deadline=timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=21),
                                                               datetime.time(11))),
        estimated_value=Decimal("52000"))
    matching.announce([notice.pk])
    return {"notices": 1, "answers": 0}
