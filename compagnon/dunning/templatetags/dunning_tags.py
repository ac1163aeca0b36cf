from django import template

register = template.Library()


def panel_context(request, document) -> dict:
    from .. import selectors

    user = request.user
    context = {"document": document, "request": request, "show": False}
    if document.is_draft or document.kind == "credit_note":
        return context
    data = selectors.panel(user, document)
    context.update(data, show=True, can_decide=user.has_perm("dunning.decide_action", document),
                   next=request.get_full_path(), never_remind=selectors.never_remind(document.client))
    if getattr(request, "htmx", False):
        from django.contrib.messages import get_messages

        context["messages"] = get_messages(request)
    return context


@register.inclusion_tag("dunning/_panel.html", takes_context=True)
def collection_panel(context, document):
    """``{% load dunning_tags %}{% collection_panel document %}`` on a document's page: its past and
    upcoming collection steps with one-click hold / OK / cancel, and what the law allows to claim."""
    return panel_context(context["request"], document)


@register.inclusion_tag("dunning/_upcoming.html", takes_context=True)
def upcoming_actions(context, activity, limit=8):
    """``{% load dunning_tags %}{% upcoming_actions activity %}`` on the activity's money page: the
    next collection steps with their hold / OK switches, and the way to the preferences."""
    from .. import selectors
    from ..models import ActivityPreference

    request = context["request"]
    actions = selectors.upcoming_actions(request.user, activity, limit=limit)
    return {"activity": activity, "actions": actions, "request": request, "next": request.get_full_path(),
            "can_decide": request.user.has_perm("dunning.decide_action", ActivityPreference(activity=activity))}


@register.inclusion_tag("dunning/_client_switch.html", takes_context=True)
def client_collection_switch(context, client):
    """``{% load dunning_tags %}{% client_collection_switch client %}`` on a client's page: "never
    remind this client automatically", one click."""
    from .. import selectors

    request = context["request"]
    return {"client": client, "never_remind": selectors.never_remind(client), "next": request.get_full_path(),
            "can_decide": request.user.has_perm("dunning.decide_action", client)}


@register.filter
def euros(value):
    from compagnon.sales.templatetags.sales_tags import amount

    return f"{amount(value)} €"
