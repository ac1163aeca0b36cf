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


@register.inclusion_tag("budget/_figure.html")
def budgets_of(activities):
    """``{% load budget_tags %}{% budgets_of activities %}``: one figure per activity of a list the
    page already read through the permission layer (the member's home), without reading the
    activities again (``selectors.budgets_of``)."""
    from .. import explain, selectors

    budgets = selectors.budgets_of(activities)
    if len(budgets) > explain.BREAKDOWNS_UP_TO:  # one row each, the breakdown on its budget page
        return {"compact": explain.compact_html(explain.figures(budgets, with_lines=False))}
    return {"budgets": explain.figures(budgets), "show_name": len(budgets) > 1}


@register.simple_tag
def budget_figures(items, show_name=False, open=False, page=False):
    """The figures of ``budget/_figure.html`` (see ``explain.figures_html``)."""
    from .. import explain

    return explain.figures_html(items, show_name=show_name, open=open, page=page)
