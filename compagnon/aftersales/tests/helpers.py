"""A cooperative for the after-sales tests: in one entity, a gardener (holder of a gardening
activity) with a client, an issued invoice and its portal link, a request with a visit done; a
colleague gardener in another activity; an IT member; the administrator, a client-relations agent
(the after-sales desk), a legal agent and an advisor (not the desk); and another entity with its
member and administrator."""

from __future__ import annotations

import datetime
import io
import time

from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from compagnon.accounts.models import Role, SupportService
from compagnon.core.tests.factories import (
    ActivityFactory,
    MemberFactory,
    OfficeFactory,
    TradeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.fieldwork import antispam
from compagnon.fieldwork.models import Request, VisitState
from compagnon.fieldwork.tests.factories import ServiceFactory, VisitFactory
from compagnon.portal import services as portal
from compagnon.portal.tokens import make_token as portal_token
from compagnon.sales.tests.factories import ClientFactory, issued_invoice

from .. import services
from ..models import Origin


def jpeg(size=(40, 30), colour=(30, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


class Coop:
    pass


def coop() -> Coop:
    cache.clear()  # the public forms' rate limits
    c = Coop()
    gardening = TradeFactory(code="gardening", name_en="Gardening")
    it = TradeFactory(code="it-repair", name_en="IT repair")
    c.gardening, c.it = gardening, it
    c.office = OfficeFactory()
    c.entity = c.office.entity
    c.gardener, c.activity = member_with_activity(c.office)
    c.activity.trade = gardening
    c.activity.save(update_fields=["trade"])
    c.gardener.trades.add(gardening)
    c.colleague = MemberFactory(office=c.office)
    c.colleague.trades.add(gardening)
    c.colleague_activity = ActivityFactory(entity=c.entity, holder=c.colleague, trade=gardening, name="Jardins du Sud")
    c.techie, c.it_activity = member_with_activity(c.office)
    c.it_activity.trade = it
    c.it_activity.save(update_fields=["trade"])
    c.techie.trades.add(it)
    c.admin = staff(Role.ADMIN, c.entity)
    c.desk = staff(Role.SUPPORT, c.entity, service=SupportService.CLIENT_RELATIONS)
    c.legal = staff(Role.SUPPORT, c.entity, service=SupportService.LEGAL)
    c.advisor = advisor_of(c.office)
    other = OfficeFactory()
    c.outsider, c.outsider_activity = member_with_activity(other)
    c.foreign_admin = staff(Role.ADMIN, other.entity)
    c.client = ClientFactory(activity=c.activity, email="jardin@example.org", language="en")
    c.invoice = issued_invoice(c.gardener, c.activity, c.client)
    c.access = portal.create_portal_link(actor=c.gardener.user, document=c.invoice)
    c.portal_token = portal_token(c.access)
    c.service = ServiceFactory(entity=c.entity, trade=gardening, name_en="Hedge trimming")
    c.request = Request.objects.create(entity=c.entity, name="Jeanne Martin", email="jeanne@example.org",
                                       language="en", description="Hedge", postcode="44000", city="Nantes",
                                       trade=gardening, activity=c.activity, client=c.client, taken_by=c.gardener)
    c.request.services.add(c.service)
    c.visit = VisitFactory(activity=c.activity, client=c.client, request=c.request, member=c.gardener,
                           state=VisitState.DONE, day=timezone.localdate() - datetime.timedelta(days=10))
    return c


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def report_data(**kw) -> dict:
    data = {"name": "Syndic Tilleuls", "email": "syndic@example.org", "description": "The hedge is dying on one side.",
            "website": "", "started": antispam.started_token(time.time() - 30)}
    data.update(kw)
    return data


def reported(c, *, origin=Origin.INVOICE, description="The hedge is dying on one side.", photos=None):
    if origin == Origin.INVOICE:
        return services.report_case(origin=origin, document=c.invoice, description=description, name="Syndic",
                                    email="syndic@example.org", language="en", photos=photos)
    return services.report_case(origin=origin, visit=c.visit, description=description, name="Jeanne Martin",
                                email="jeanne@example.org", language="en", photos=photos)
