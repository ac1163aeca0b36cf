"""``{{ n|grouped }}``: a count with the locale's thousands separator. ``{% news_panel %}``: the
reader's three newest news (one query), for the home page."""

from django import template

from compagnon.core import formatting

from .. import selectors

register = template.Library()


@register.filter
def grouped(value):
    return formatting.number(value or 0, 0)


@register.inclusion_tag("mailings/_news_panel.html", takes_context=True)
def news_panel(context, limit: int = 3):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"news": selectors.news_for(user, limit=limit) if user is not None else []}
