from django import template

register = template.Library()


@register.inclusion_tag("portal/_panel.html", takes_context=True)
def portal_panel(context, document):
    """``{% load portal_tags %}{% portal_panel document %}`` on a document page: its client
    status (sent, accepted, refused) and the way to the send page."""
    from ..views import panel_context

    return panel_context(context["request"], document)
