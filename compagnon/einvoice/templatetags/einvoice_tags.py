from django import template

register = template.Library()


@register.inclusion_tag("einvoice/_panel.html", takes_context=True)
def einvoice_panel(context, document):
    """``{% load einvoice_tags %}{% einvoice_panel document %}`` on an issued document's page: its
    e-invoice (format, validation), downloads in every format, Peppol sending and its status."""
    from ..views import panel_context

    return panel_context(context["request"], document)
