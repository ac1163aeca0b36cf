from django import template

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context):
    """``{% load notifications_tags %}{% notifications_link %}`` in the page header: a bell with
    the number of unread notifications (one indexed COUNT query)."""
    from ..selectors import unread_count

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"user": user, "unread": unread_count(user) if user is not None else 0}
