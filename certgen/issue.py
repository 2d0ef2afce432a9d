"""An issue laid out: the spec's legends resolved, its templates expanded and its pages laid out.

The step between the spec and the PDF that both printing (:func:`certgen.pipeline.prepare`)
and validation (the fit of each holder's fields, the legends as printed) start from:

1. the spec's images checked (they exist, are images, lie in an asset folder);
2. the legends resolved (named legend templates expanded with their params);
3. each page's layout template expanded with the spec, and laid out (static text broken into
   lines and fitted, ornament); every legend must find its place.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .assets import ASSET_PATH_ENV, asset_folders
from .errors import CertgenError, RenderError, SpecError
from .fonts import ascent_descent
from .layout import layout_page, without_art
from .layout.elements import Artwork, Box, FieldsHere, Ground, Image, Page, Rosette, Seal, Text
from .layout.fieldmap import prints_signed_values
from .layout.fields import check_field
from .model.certificate import Holder, certificate_values
from .spec.schema import Spec
from .templating import (
    LAYOUT_SUFFIX,
    LEGEND_SUFFIX,
    OutsideFolderError,
    TemplateNotFound,
    available_templates,
    environment,
    expand,
)
from .templating.filters import paragraphs

__all__ = [
    "IssueLayout",
    "ResolvedLegend",
    "check_files",
    "issue_seed",
    "lay_out",
    "resolve_legends",
    "search_path",
    "template_context",
]

log = logging.getLogger("certgen")


@dataclass(frozen=True)
class ResolvedLegend:
    """A legend's final text, as it is printed."""

    name: str
    text: str
    placement: str

    @property
    def paragraphs(self) -> list[str]:
        """The text split at blank lines, white space within each folded."""
        return paragraphs(self.text)


def resolve_legends(spec: Spec) -> list[ResolvedLegend]:
    """Expand the spec's legends: named templates with params, or verbatim text."""
    env = environment(search_path(spec))
    out = []
    for index, legend in enumerate(spec.legends):
        field = f"legends[{index}]"
        if legend.text is not None:
            text = legend.text
            name = legend.name or f"legend-{index + 1}"
        else:
            assert legend.template is not None
            name = legend.name or legend.template
            context = {**template_context(spec), **legend.params, "params": legend.params}
            try:
                text = expand(env, f"legends/{legend.template}{LEGEND_SUFFIX}", context)
            except TemplateNotFound:
                known = ", ".join(
                    name.removeprefix("legends/")
                    for name in available_templates(search_path(spec), LEGEND_SUFFIX)
                    if name.startswith("legends/")
                )
                raise SpecError(
                    f"no legend template named {legend.template!r} (available: {known})",
                    file=spec.source,
                    field=f"{field}.template",
                ) from None
            except OutsideFolderError as exc:  # the template's files, not the values given it
                raise SpecError(
                    f"legend template {legend.template!r}: {exc.message}",
                    file=spec.source,
                    field=f"{field}.template",
                ) from None
            except CertgenError as exc:
                raise SpecError(
                    f"legend template {legend.template!r}: {exc.message} "
                    "(give the missing value under params:)",
                    file=spec.source,
                    field=f"{field}.params",
                ) from None
            text = text.strip()
        out.append(ResolvedLegend(name, text, legend.placement))
    return out


def search_path(spec: Spec) -> tuple[str, ...]:
    """The spec's template folders, each of which must be a folder in the spec's folder or in
    one the operator names in ``$CERTGEN_ASSET_PATH`` (:mod:`certgen.assets`): a template may
    include any file of its folders, so a spec naming ``/`` would print any file the user
    running certgen can read (a template that is a link leading out is refused as it loads)."""
    out = []
    folders = asset_folders(spec.base_dir)
    for index, folder in enumerate(spec.templates.search_path):
        path = (spec.base_dir / folder).resolve()
        problem = None
        if not path.is_dir():
            problem = (
                f"{folder!r} is not a folder{'' if path.exists() else ' (it does not exist)'}: "
                "give folders of templates, relative to the spec file"
            )
        elif not any(path.is_relative_to(allowed) for allowed in folders):
            problem = (
                f"{folder!r} is outside the spec's folder: keep templates in the spec's folder (or its "
                f"subfolders), or name their folder in ${ASSET_PATH_ENV}"
            )
        if problem is not None:
            field = f"templates.search_path[{index}]"
            line = spec._line_of(field) if spec.source else None
            raise SpecError(problem, file=f"{spec.source}, line {line}" if line else spec.source, field=field)
        out.append(str(path))
    return tuple(out)


def issue_seed(spec: Spec) -> int:
    """The ornament seed: the spec's (``art.seed``, else ``style.seed``), or one derived from the issuer and CUSIP."""
    if spec.art.seed is not None:
        return spec.art.seed
    if spec.style.seed is not None:
        return spec.style.seed
    key = f"{spec.issuer.name}|{spec.security.primary_cusip or spec.security.title}"
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")


def template_context(spec: Spec) -> dict[str, Any]:
    return {
        "spec": spec,
        "issuer": spec.issuer,
        "security": spec.security,
        "agent": spec.transfer_agent,
        "face": spec.face,
        "reverse": spec.reverse,
        "note": spec.note,
        "warrant": spec.warrant,
        "style": spec.style,
        "seed": issue_seed(spec),
        "art": _art_context(spec),
        "qr": spec.qr is not None,
    }


def _art_context(spec: Spec) -> dict[str, Any]:
    """The security art's parameters as templates use them, defaults resolved."""
    art = spec.art
    return {
        "enabled": art.enabled,
        "guilloche": art.guilloche or spec.style.ink,
        "ground": art.ground or _paler(spec.style.ink, 0.55),
        "microprint": art.microprint or spec.style.ink,
        "density": art.density,
        "text": " ".join((art.microprint_text or spec.issuer.name).split()).upper(),
    }


def _paler(color: str, amount: float) -> str:
    """*color* (``#rrggbb``) mixed with white by *amount*."""
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)


def _check_legends_printed(spec: Spec, legends: list[ResolvedLegend], pages: list[Page]) -> None:
    """Every legend of the spec must be printed: a template that has no place for one is an error."""
    printed = {
        element.role.removeprefix("legend:")
        for page in pages
        for element in page.static
        if isinstance(element, Text) and element.role.startswith("legend:")
    }
    for index, legend in enumerate(legends):
        if legend.name not in printed:
            template = dict(spec.page_templates()).get(legend.placement)
            composed = spec.face.parts if legend.placement == "face" else spec.reverse.parts
            if composed:
                raise SpecError(
                    f"legend {legend.name!r} is not printed: {legend.placement}.parts has no place for it "
                    f"(add {{legend: {legend.name}}} or legends to {legend.placement}.parts)",
                    file=spec.source,
                    field=f"{legend.placement}.parts",
                )
            raise SpecError(
                f"legend {legend.name!r} is not printed: template {template!r} has no place for "
                f"{legend.placement} legends (print it on the other side, or use a template that prints it)",
                file=spec.source,
                field=f"legends[{index}].placement",
            )


def check_files(spec: Spec) -> None:
    """The spec's images exist, are images, and lie in the spec's folder (or an asset folder):
    one line naming the spec key, before any template is expanded."""
    from .assets import check_image, confine

    for index, officer in enumerate(spec.issuer.officers):
        if officer.signature:
            field = f"issuer.officers[{index}].signature"
            try:
                check_image(
                    confine(officer.signature, spec.base_dir, "signature image"),
                    officer.signature,
                    "signature image",
                )
            except ValueError as exc:
                message = str(exc)
                if message.endswith("not found"):
                    message += " (paths are relative to the spec file)"
                line = spec._line_of(field) if spec.source else None
                raise SpecError(
                    message, file=f"{spec.source}, line {line}" if line else spec.source, field=field
                ) from None


def fallback_faces(spec: Spec) -> tuple[str, ...]:
    """The spec's ``fonts.fallback`` faces, read and registered (:func:`~certgen.fonts.register_face`),
    in order: the names the fields carry.

    :raises SpecError: one line naming the key, for a font file that is missing, outside the
        spec's folder, too large, or not a TrueType font certgen can set.
    """
    from .assets import MAX_FONT_BYTES, confine
    from .fonts import register_face

    faces: list[str] = []
    for index, value in enumerate(spec.fonts.fallback):
        field = f"fonts.fallback[{index}]"
        try:
            path = confine(value, spec.base_dir, "font file", kept="fonts, images and artwork")
            if path.stat().st_size > MAX_FONT_BYTES:
                raise ValueError(
                    f"font file {value!r} is larger than {MAX_FONT_BYTES // 1_000_000} MB: give one TrueType face (.ttf)"
                )
            with path.open("rb") as stream:
                data = stream.read(MAX_FONT_BYTES + 1)
            try:
                faces.append(register_face(data))
            except ValueError as exc:
                raise ValueError(f"font file {value!r} {exc}") from None
        except (ValueError, OSError) as exc:
            message = (
                str(exc)
                if isinstance(exc, ValueError)
                else f"font file {value!r} cannot be read ({exc.strerror})"
            )
            if message.endswith("not found"):
                message += " (paths are relative to the spec file)"
            line = spec._line_of(field) if spec.source else None
            raise SpecError(
                message,
                file=f"{spec.source}, line {line}" if line else spec.source,
                field=field,
            ) from None
    return tuple(dict.fromkeys(faces))


#: The bundled reverse templates that print ``reverse.parts`` (a template of one's own may too).
_PARTS_TEMPLATES = ("stock/reverse",)


def _check_parts(spec: Spec) -> None:
    """``face.parts`` and ``reverse.parts`` name legends the spec has, placed on their side, and
    the reverse's template prints parts: nothing the spec asks for is left out silently."""
    placements = {
        legend.name or legend.template or f"legend-{index + 1}": legend.placement
        for index, legend in enumerate(spec.legends)
    }
    sides = (("face", spec.face.parts or []), ("reverse", spec.reverse.parts or []))
    for side, parts in sides:
        for index, part in enumerate(parts):
            if isinstance(part, str) or part.legend is None:
                continue
            field = f"{side}.parts[{index}].legend"
            if part.legend not in placements:
                known = ", ".join(sorted(placements)) or "none"
                raise SpecError(
                    f"no legend named {part.legend!r} (the spec's legends: {known})",
                    file=spec.source,
                    field=field,
                )
            if placements[part.legend] != side:
                raise SpecError(
                    f"legend {part.legend!r} is placed on the {placements[part.legend]}: a {side} part prints "
                    f"a legend placed on the {side} (give it placement: {side}, or remove the part)",
                    file=spec.source,
                    field=field,
                )
    face = dict(spec.page_templates()).get("face")
    if face == "notes/face" and spec.note is None:
        # The note face prints these with the note's terms (maturity, interest dates, trustee).
        for key in (
            "on_maturity",
            "interest",
            "authentication",
            "authentication_title",
            "as_trustee",
            "authorized_signatory",
        ):
            if key in spec.note_wording.model_fields_set and getattr(spec.note_wording, key):
                raise SpecError(
                    f"note_wording.{key} is printed with the note's terms, and the spec has no note: section: "
                    "add note: (maturity, trustee, ...) or leave the phrase out",
                    file=spec.source,
                    field=f"note_wording.{key}",
                )
    if spec.face.parts and face in ("stock/face", "notes/face", "warrants/face"):
        raise SpecError(
            f"the face template {face!r} has no parts: face.parts is printed by composed/face "
            "(remove templates.face, or set it to composed/face)",
            file=spec.source,
            field="face.parts",
        )
    template = dict(spec.page_templates()).get("reverse")
    if spec.reverse.parts and template in ("notes/reverse", "warrants/reverse"):
        raise SpecError(
            f"the reverse template {template!r} has no parts: reverse.parts is printed by "
            f"{', '.join(_PARTS_TEMPLATES)} (set templates.reverse: stock/reverse, or remove reverse.parts)",
            file=spec.source,
            field="reverse.parts",
        )


def _printed_lines(page: Page) -> list[Text]:
    """The page's lines of text that print (microprint, under two points, is art)."""
    return [e for e in page.static if isinstance(e, Text) and e.size >= 2 and e.text.strip()]


def _core(text: Text) -> tuple[float, float, float, float]:
    """The middle of a line's ink: between its ends, from just above the baseline to about the
    x-height (two lines that touch only at their ascenders and descenders do not overprint)."""
    width = text.width
    return (
        text.left + 0.05 * width,
        text.y + 0.05 * text.size,
        text.left + 0.95 * width,
        text.y + 0.55 * text.size,
    )


def _check_no_overprint(page: Page) -> None:
    """No line of a page's text prints over another: refused when the issue is laid out, before
    anything is printed (a composed side whose parts crowd each other).  A line off the page is
    the layout's own error (it names the template line)."""
    lines = _printed_lines(page)
    cores = [_core(line) for line in lines]
    for index, (line, core) in enumerate(zip(lines, cores, strict=True)):
        for other, box in zip(lines[index + 1 :], cores[index + 1 :], strict=True):
            if core[0] < box[2] and box[0] < core[2] and core[1] < box[3] and box[1] < core[3]:
                raise RenderError(
                    f"on the {page.name}, {other.text[:40]!r} would print over {line.text[:40]!r} "
                    f"(at {box[0]:.0f}, {box[1]:.0f} pt): move one of them, or shorten the text"
                )


def _check_fields_clear(page: Page) -> None:
    """No fixed text reaches into the box of a field that a certificate's code signs: ``certgen
    verify`` reads every mark in such a box as the field's, so a genuine face must print nothing
    else there."""
    lines = _printed_lines(page)
    for field in page.fields:
        if not prints_signed_values(field):
            continue
        box = (field.x - 1, field.y - 1, field.x + field.width + 1, field.y + field.height + 1)
        for line in lines:
            ascent, descent = ascent_descent(line.font, line.size)
            if (
                line.left < box[2]
                and box[0] < line.left + line.width
                and line.y + descent < box[3]
                and box[1] < line.y + ascent
            ):
                raise RenderError(
                    f"on the {page.name}, the text {line.text[:40]!r} reaches into the box of the field "
                    f"{field.name!r}, which the QR code signs (certgen verify would read it as part of "
                    "the field): move the text or the field"
                )


def _covering_box(element: Any) -> tuple[str, tuple[float, float, float, float]] | None:
    """What an opaque static element is called and the box it covers (None for text, rules,
    strokes and the like, which a field's text may cross)."""
    if isinstance(element, (Rosette, Seal)):
        kind = "rosette" if isinstance(element, Rosette) else "seal"
        r = element.r
        return kind, (element.cx - r, element.cy - r, element.cx + r, element.cy + r)
    if isinstance(element, Box) and element.fill is None:
        return None
    if isinstance(element, (Ground, Image, Artwork, Box)):
        kind = {Ground: "ground", Image: "image", Artwork: "artwork", Box: "filled box"}[type(element)]
        return kind, (element.x, element.y, element.x + element.width, element.y + element.height)
    return None


def _check_fields_on_top(page: Page) -> None:
    """Nothing opaque is drawn after a field over its box: a field read in place (``<fields-here>``)
    is drawn before the static elements that follow its mark, and a ground, seal or image drawn
    there would cover the value it prints."""
    by_name = {field.name: field for field in page.fields}
    placed: list[Any] = []
    for element in page.static:
        if isinstance(element, FieldsHere):
            placed.extend(by_name[name] for name in element.names if name in by_name)
            continue
        if not placed:
            continue
        covering = _covering_box(element)
        if covering is None:
            continue
        kind, (x0, y0, x1, y1) = covering
        for field in placed:
            if x0 < field.x + field.width and field.x < x1 and y0 < field.y + field.height and field.y < y1:
                raise RenderError(
                    f"on the {page.name}, a {kind} is drawn after the field {field.name!r} and over its "
                    f"box, so it would cover the value: draw it before the field's <fields-here> mark"
                )


@dataclass(frozen=True)
class IssueLayout:
    """An issue whose legends are resolved and whose pages are laid out."""

    spec: Spec
    pages: tuple[Page, ...]
    legends: tuple[ResolvedLegend, ...]

    def check_fit(self, holder: Holder) -> None:
        """Raise :class:`FitError` if a field of *holder*'s certificate does not fit (validation)."""
        values = certificate_values(holder, self.spec.security.currency)
        try:
            for page in self.pages:
                for field in page.fields:
                    check_field(field, values, holder.certificate_number)
        except CertgenError as exc:
            if holder.source:
                exc.where = f"{holder.source}: {exc.where}" if exc.where else holder.source
            raise


def lay_out(spec: Spec, legends: Sequence[ResolvedLegend] | None = None) -> IssueLayout:
    """Check the spec's files, resolve its legends (unless given, already resolved) and lay out
    its pages.

    :raises SpecError: for an unknown template, a legend template's missing parameter, a legend
        that no template prints, or a missing or misplaced image.
    :raises TemplateError: when a template fails to expand or describes a bad layout.
    :raises FitError: when static text (a legend, a clause) does not fit its box.
    """
    check_files(spec)
    extra = fallback_faces(spec)
    _check_parts(spec)
    log.info("Step 1 - Resolving legends")
    resolved = list(legends) if legends is not None else resolve_legends(spec)
    context = {**template_context(spec), "legends": resolved}
    env = environment(search_path(spec))
    pages = []
    log.info("Step 2 - Expanding and laying out templates")
    for key, name in spec.page_templates():
        try:
            xml = expand(env, f"{name}{LAYOUT_SUFFIX}", {**context, "side": key})
        except OutsideFolderError as exc:
            raise SpecError(
                f"template {name!r}: {exc.message}", file=spec.source, field=f"templates.{key}"
            ) from None
        except TemplateNotFound as exc:
            missing = str(exc.name or name)
            if missing.removesuffix(LAYOUT_SUFFIX) != name:
                raise SpecError(
                    f"template {name!r} includes {missing!r}, which does not exist",
                    file=spec.source,
                    field=f"templates.{key}",
                ) from None
            known = ", ".join(available_templates(search_path(spec), LAYOUT_SUFFIX))
            raise SpecError(
                f"no layout template named {name!r} (available: {known})",
                file=spec.source,
                field=f"templates.{key}",
            ) from None
        pages.append(layout_page(xml, template=f"{name}{LAYOUT_SUFFIX}", base_dir=spec.base_dir))
    _check_legends_printed(spec, resolved, pages)
    for page in pages:
        _check_no_overprint(page)
        _check_fields_on_top(page)
        if spec.qr is not None:
            _check_fields_clear(page)
    if not spec.art.enabled:
        pages = [without_art(page) for page in pages]
    if extra:
        # Every field that measures, fits, draws or checks its text tries the same faces.
        pages = [
            replace(page, fields=tuple(replace(field, fallback=extra) for field in page.fields))
            for page in pages
        ]
    return IssueLayout(spec, tuple(pages), tuple(resolved))
