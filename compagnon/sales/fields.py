"""The editor's header fields written by Python: the same HTML as ``_field.html`` and Django's widget
templates, without the template language.

The editor renders thirteen header fields on every visit; through ``{% include "_field.html" %}``
and Django's widget templates (``input.html``, ``attrs.html`` once per option of the language and
exemption lists…) that was about 2.5 ms of its ~18 ms of CPU (docs/sizing.md, issue 17). Here the
context Django builds for a widget (``Widget.get_context``: its attributes, ``aria-*``, value,
option groups) is unchanged; only the last step, writing it out, is Python. A widget template this
module does not know is still rendered by Django. ``tests/test_fields_html.py`` requires the output
to equal the templates', byte for byte, for every field of the editor in every state (values,
errors, help texts, option groups), so a change of ``_field.html`` or of Django's templates fails
there until this module follows.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"


def _text(value) -> str:
    """``{{ value }}``: escaped unless already safe."""
    return conditional_escape(value)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: ``str(value)``, escaped unless the value was safe."""
    text = str(value)
    return text if hasattr(value, "__html__") else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = f' value="{_formatted(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'


def _select(widget: dict) -> str | None:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != WIDGETS + "select_option.html":
                return None
            out.append("\n  " + _option(option) + "\n")  # the included template's last line break
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


WRITERS = {
    **{
        f"{WIDGETS}{name}.html": _input
        for name in (
            "input",
            "text",
            "date",
            "email",
            "number",
            "hidden",
            "url",
            "password",
            "datetime",
            "time",
            "search",
            "tel",
        )
    },
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}


class PythonWidgets(DjangoTemplates):
    """Django's template renderer, with the common widgets written in Python (same HTML)."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        html = writer(context["widget"]) if writer is not None else None
        if html is None:
            return super().render(template_name, context, request=request)
        return html


def field_html(field) -> str:
    """What ``{% include "_field.html" with field=field %}`` writes, for a bound field."""
    id_for_label = _text(field.id_for_label)
    errors = field.errors
    parts = [f'<div class="field{" has-error" if errors else ""}">\n  ']
    if getattr(field.field.widget, "input_type", "") == "checkbox":
        parts.append(
            f'\n  <label for="{id_for_label}" class="check">{_text(field)} {_text(field.label)}</label>\n  '
        )
    else:
        required = ' <span class="req" aria-hidden="true">*</span>' if field.field.required else ""
        parts.append(
            f'\n  <label for="{id_for_label}">{_text(field.label)}{required}</label>\n  {_text(field)}\n  '
        )
    parts.append("\n  ")
    if field.help_text:
        parts.append(
            f'<small class="help" id="{id_for_label}_helptext">{_text(field.help_text)}</small>'
        )
    parts.append("\n  ")
    for error in errors:
        parts.append(f'<p class="error" id="{id_for_label}_error">{_text(error)}</p>')
    parts.append("\n</div>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped unless already safe
