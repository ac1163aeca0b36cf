from django import template

register = template.Library()


@register.inclusion_tag("budget/_figure.html", takes_context=True)
def activity_budget(context, activity):
    """``{% load budget_tags %}{% activity_budget activity %}``: "Available to pay myself" of the
    activity this year, tap to see the breakdown (empty for those who do not see the activity)."""
    from .. import explain, selectors

    request = context["request"]
    try:
        b = selectors.activity_budget(request.user, activity.pk)
    except activity.DoesNotExist:
        return {"budgets": []}
    return {"budgets": explain.figures([b]), "request": request}


@register.inclusion_tag("budget/_figure.html", takes_context=True)
def my_budgets(context):
    """``{% load budget_tags %}{% my_budgets %}`` on the member's home: one figure per activity."""
    from .. import explain, selectors

    request = context["request"]
    budgets = selectors.my_budgets(request.user)
    return {
        "budgets": explain.figures(budgets),
        "show_name": len(budgets) > 1,
        "request": request,
    }


@register.simple_tag
def budget_figures(items, show_name=False, open=False, page=False):
    """The figures of ``budget/_figure.html`` (see ``explain.figures_html``)."""
    from .. import explain

    return explain.figures_html(items, show_name=show_name, open=open, page=page)
