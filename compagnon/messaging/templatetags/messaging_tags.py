from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context) -> int:
    """``{% load messaging_tags %}{% unread_messages as n %}``: how many messages the reader has not
    read (one indexed query), for a menu entry "Messages (n)"."""
    from ..selectors import unread

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread(user)["messages"]
