"""Markdown is rendered safely: no raw HTML, no script link, no outside image; glossary and
article shortcuts become links."""

from django.urls import reverse

from ..text import fold, plain, render


def test_no_raw_html_and_no_dangerous_link():
    html = render('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) '
                  '[mail](mailto:a@b.c) ![x](https://evil.example/t.png) ![ok](/static/core/favicon.svg)')
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img src=\"x\"" not in html
    assert 'href="javascript' not in html
    assert 'href="mailto:a@b.c"' in html and "evil.example" not in html
    assert 'src="/static/core/favicon.svg"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_shortcuts_headings_and_tables():
    html = render("# Title\n\nSee [credit note](glossary:credit_note) and [this](article:12).\n\n"
                  "| a | b |\n|---|--:|\n| 1 | 2 |")
    assert "<h2>Title</h2>" in html and "<h1>" not in html
    assert f'href="{reverse("glossary")}#credit_note"' in html
    assert f'href="{reverse("knowledge-article", args=[12])}"' in html
    assert "<table>" in html and "text-align: right" in html


def test_plain_and_fold():
    assert plain("**Échéance** d'une _facture_") == "Échéance d'une facture"
    assert fold("Échéance ÉTÉ") == "echeance ete"
