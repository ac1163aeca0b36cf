"""The glossary page: every term, searchable, readable on a phone; open to everyone (clients
follow its links from the portal)."""

from django.shortcuts import render

from compagnon.core.params import text_param

from . import terms


def glossary(request):
    query = text_param(request.GET, "q")
    found = terms.search(query)
    return render(request, "glossary/glossary.html", {"terms": found, "query": query, "total": len(terms.TERMS)})
