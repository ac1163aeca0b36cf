"""``{% load glossary_tags %}{% term "credit_note" %}credit note{% endterm %}``: the word as written,
followed by a tap-to-explain hint — a 44 px button (``data-term-toggle``, behaviours.js) that shows
the term's definition just after it, with a link to the glossary. No inline script (strict CSP);
without JavaScript the definition stays reachable through the glossary page. An unknown key renders
the word alone."""

from django import template
from django.template.loader import render_to_string

from .. import terms

register = template.Library()


class TermNode(template.Node):
    def __init__(self, key, nodelist):
        self.key, self.nodelist = key, nodelist

    def render(self, context):
        label = self.nodelist.render(context)
        term = terms.get(self.key.resolve(context))
        if term is None:
            return label
        counter = context.render_context.setdefault("glossary_terms", [0])
        counter[0] += 1
        return render_to_string("glossary/_term.html", {"term": term, "label": label, "n": counter[0]})


@register.tag("term")
def do_term(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('usage: {% term "key" %}words{% endterm %}')
    nodelist = parser.parse(("endterm",))
    parser.delete_first_token()
    return TermNode(parser.compile_filter(bits[1]), nodelist)
