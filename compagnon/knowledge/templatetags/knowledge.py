"""``{% load knowledge %}{% help_link "sales-document" %}``: a small "Help: <title>" link to each
published article an editor attached to that page key (at most three), in the reader's language,
among the articles the reader may read. Nothing when none is attached. No query: the page-key map
is kept in the process (``knowledge.helplinks``) and the reader's entities come from the permission
scope the page already computed."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .. import helplinks
from ..models import reader_language
from ..rules import reader_entity_ids

register = template.Library()
MAX_LINKS = 3


@register.simple_tag(takes_context=True)
def help_link(context, page_key):
    found = helplinks.entries(str(page_key))
    if not found:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    readers = reader_entity_ids(user)
    if not readers:
        return ""
    lang = reader_language()
    shown = [e for e in found if e.entity_id in readers or e.shared][:MAX_LINKS]
    if not shown:
        return ""
    label = _("Help:")
    links = format_html_join(" ", '<a class="help-link" href="{}">{} {}</a>', (
        (reverse("knowledge-article", args=[e.article_id]), label, e.title(lang)) for e in shown))
    return format_html('<p class="help-links">{}</p>', links)
