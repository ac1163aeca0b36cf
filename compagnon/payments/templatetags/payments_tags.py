from django import template

register = template.Library()


@register.inclusion_tag("payments/_payment_panel.html", takes_context=True)
def payment_panel(context, document):
    """``{% load payments_tags %}{% payment_panel document %}`` on an issued document's page: its
    payment state, what was paid and how each payment was matched (staff may undo one)."""
    from .. import selectors

    request = context["request"]
    user = request.user
    from .. import declarations

    allocations = selectors.document_allocations(user, document)
    can_undo = user.has_perm("payments.match_payment", document.entity)
    declared = selectors.document_declarations(user, document)
    return {
        "document": document, "allocations": allocations, "can_undo": can_undo, "request": request,
        "declarations": declared, "open_declaration": next((d for d in declared if d.is_open), None),
        "may_declare": declarations.may_declare(user, document) and not any(d.is_open for d in declared),
        "outstanding": document.payable - document.paid_amount, "here": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("payments/_client_behaviour.html", takes_context=True)
def client_payment_behaviour(context, client):
    """``{% load payments_tags %}{% client_payment_behaviour client %}`` on a client's page: how the
    client pays this activity (average days late, open overdue amount, credit) and the level of
    risk of its company across the cooperative — a level only."""
    from .. import selectors

    return {**selectors.client_behaviour(context["request"].user, client), "request": context["request"]}
