from django import template

from ..history import plain_text, reads_entries

register = template.Library()


@register.simple_tag(takes_context=True)
def history_text(context, event):
    """``{% history_text e %}``: an audit event in plain words for the page's reader (see
    audit/history.py); readers who keep the books see ledger entries as recorded."""
    return plain_text(event, entries=reads_entries(context.get("scope")))
