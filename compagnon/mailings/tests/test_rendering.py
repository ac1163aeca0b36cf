"""Markdown written by staff becomes safe HTML: no script, no event handler, no javascript: link,
no outside image; links get rel="noopener noreferrer nofollow"; the page's title stays the only h1."""

from ..rendering import excerpt, to_html, to_text


def test_markdown_is_rendered():
    html = to_html("# Title\n\nSome **bold** and *italics*.\n\n- one\n- two\n\n[site](https://example.org)")
    assert "<h2>Title</h2>" in html and "<h1" not in html
    assert "<strong>bold</strong>" in html and "<em>italics</em>" in html and "<li>one</li>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>' in html


def test_dangerous_markup_is_removed():
    html = to_html('<script>alert(1)</script>\n\n<p onclick="x()">hi</p> [a](javascript:alert(1)) '
                   '![img](https://tracker.example/pixel.png) <iframe src="https://x.example"></iframe>'
                   '<a href="data:text/html,x">d</a>')
    for bad in ("<script", "onclick", "javascript:", "<img", "tracker.example", "<iframe", "data:text"):
        assert bad not in html
    assert "hi" in html


def test_excerpt_is_plain_words():
    assert to_text("## Hello\n\n**big** & <b>bold</b>") == "Hello big & bold"
    assert excerpt("word " * 40, 5) == "word word word word word…"
