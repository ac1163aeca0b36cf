"""Every link, button and form control of the member's key pages is big enough for a thumb.

At 360 × 740 (a small phone) each visible target must offer at least 44 × 44 CSS px (WCAG 2.5.5,
the size Apple and Android recommend). What is measured is what takes the tap: the element's
border box (its padding included), or for a radio button or a checkbox the larger of the box and
of its label (tapping the label ticks the box).

One exemption, WCAG 2.5.8's "inline" exception: a link inside running text (a sentence with
text of its own around the link, in the same line box) is sized by the line height of the text,
and making it 44 px tall would break the paragraph. Links alone in their block (a "← Clients"
back link, a "+ New client" action, the title link of a list row) are not inline: they must be
full-size.
"""

import pytest

from . import pages

pytestmark = pytest.mark.browser

MIN = 44
KEY_PAGES = {
    "home", "money", "activity-money", "activity-accounts", "clients", "client", "client-new",
    "documents", "editor", "document", "timesheets", "statements", "notifications", "settings",
}

# The targets smaller than MIN px, with a CSS-ish path to find them. Runs in the page.
SMALL_TARGETS = """(min) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const shown = el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const INLINE_CONTEXT = 'p, dd, td, figcaption, blockquote, small';
  const isInline = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement.closest(INLINE_CONTEXT) || el.parentElement;
    // text of the block that is not inside a link or a button: the sentence around the link
    let own = '';
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!walker.currentNode.parentElement.closest('a, button')) own += walker.currentNode.textContent;
    }
    return own.replace(/[\\s·•—–|,:;()]+/g, ' ').trim().length >= 12;
  };
  const box = el => {
    let r = el.getBoundingClientRect();
    let w = r.width, h = r.height;
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      for (const label of el.labels || []) {
        const l = label.getBoundingClientRect();
        w = Math.max(w, l.width); h = Math.max(h, l.height);
      }
    }
    return {w, h};
  };
  const path = el => {
    const bits = [];
    for (let e = el; e && e !== document.body && bits.length < 3; e = e.parentElement) {
      bits.unshift(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (e.classList.length ? '.' + [...e.classList].join('.') : ''));
    }
    return bits.join(' > ');
  };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el) || el.closest('[aria-hidden=true], .sr-only')) continue; // not offered to a finger
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || r.left >= innerWidth) continue; // skip link, off-screen
    const {w, h} = box(el);
    if (w >= min && h >= min) continue;
    if (isInline(el)) continue;
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30);
    small.push(`${path(el)} "${text}" ${Math.round(w)}×${Math.round(h)}`);
  }
  return small;
}"""


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, **pages.PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_every_target_on_the_key_pages_is_big_enough_for_a_thumb(page):
    pages.log_in(page, pages.MEMBER)
    visits = [v for v in pages.member_pages() if v.name in KEY_PAGES]
    assert len(visits) >= 12
    report = {}
    for visit in visits:
        page.goto(visit.path)
        small = page.evaluate(SMALL_TARGETS, MIN)
        if small:
            report[visit.name] = small
    assert not report, "\n" + "\n".join(
        f"{name} ({len(lines)}):\n  " + "\n  ".join(lines) for name, lines in report.items())
