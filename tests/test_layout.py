"""Test certgen.layout: the layout language, its errors, and fitting text in boxes."""

from __future__ import annotations

import pytest

from certgen import FitError, TemplateError
from certgen.layout import layout_page
from certgen.layout.elements import Field, Text
from certgen.layout.fields import fill_field


def page(body: str) -> str:
    return f'<page paper="letter" orientation="landscape">\n{body}\n</page>'


def test_unknown_element_names_template_and_line() -> None:
    with pytest.raises(TemplateError) as info:
        layout_page(page('<text x="1" y="1">a</text>\n<txet x="1" y="2">b</txet>'), template="t.xml.j2")
    assert (
        str(info.value)
        == "template t.xml.j2, line 3: unknown element <txet> (see docs/layout.md for the vocabulary)"
    )


def test_unknown_attribute() -> None:
    with pytest.raises(TemplateError, match=r"line 2: <rule>: unknown attribute 'colour'"):
        layout_page(page('<rule x1="0" y1="0" x2="1" y2="1" colour="#000000"/>'), template="t")


def test_bad_length() -> None:
    with pytest.raises(TemplateError, match=r"attribute x: '1,5in' is not a length"):
        layout_page(page('<text x="1,5in" y="1">a</text>'), template="t")


def test_unknown_font() -> None:
    with pytest.raises(TemplateError, match=r"unknown font 'Comic'"):
        layout_page(page('<text x="1" y="1" font="Comic">a</text>'), template="t")


def test_malformed_xml() -> None:
    with pytest.raises(TemplateError, match=r"line 2: the expanded layout is not well-formed XML"):
        layout_page(page("<text x='1' y='1'>a & b</text>"), template="t")


def test_units() -> None:
    laid = layout_page(page('<text x="1in" y="25.4mm">a</text>'), template="t")
    text = laid.static[0]
    assert isinstance(text, Text)
    assert (text.x, text.y) == pytest.approx((72, 72))


def test_text_shrinks_to_its_width_then_fails() -> None:
    laid = layout_page(
        page('<text x="0" y="10" width="60" size="20" min-size="6">A LONG TITLE</text>'), template="t"
    )
    text = laid.static[0]
    assert isinstance(text, Text)
    assert 6 <= text.size < 20
    assert text.width <= 60
    with pytest.raises(FitError, match="does not fit 20pt even at 12"):
        layout_page(
            page('<text x="0" y="10" width="20" size="20" min-size="12" name="title">A LONG TITLE</text>'),
            template="t",
        )


def test_paragraph_justified_lines_fill_the_width() -> None:
    text = "word " * 60
    laid = layout_page(
        page(f'<para x="10" y="500" width="200" height="200" size="10">{text}</para>'), template="t"
    )
    lines = [e for e in laid.static if isinstance(e, Text)]
    assert len(lines) > 3
    for line in lines[:-1]:
        assert line.width == pytest.approx(200, abs=0.01)
    assert lines[-1].word_space == 0


def test_paragraph_that_cannot_fit() -> None:
    with pytest.raises(FitError, match="field legal"):
        layout_page(
            page(
                f'<para x="10" y="500" width="100" height="20" size="10" min-size="8" name="legal">{"word " * 80}</para>'
            ),
            template="t",
        )


def test_text_off_the_page() -> None:
    with pytest.raises(TemplateError, match="runs off the page"):
        layout_page(page('<text x="780" y="10" size="20">OVERFLOW</text>'), template="t")


def _field(**kw: object) -> Field:
    base = dict(
        name="f",
        x=0.0,
        y=0.0,
        width=100.0,
        height=30.0,
        text="{registration}",
        font="garamond",
        size=14.0,
        min_size=8.0,
        color=(0, 0, 0),
        max_lines=2,
    )
    base.update(kw)
    return Field(**base)  # type: ignore[arg-type]


def test_field_shrinks_and_wraps() -> None:
    lines = fill_field(_field(), {"registration": "JOHN SMITH AND MARY SMITH JT TEN"})
    assert 1 <= len(lines) <= 2
    assert all(8 <= line.size <= 14 for line in lines)


def test_field_blank_draws_nothing() -> None:
    assert fill_field(_field(), {"registration": ""}) == []


def test_field_unknown_placeholder() -> None:
    from certgen import RenderError

    with pytest.raises(RenderError, match="no column 'address'"):
        fill_field(_field(text="{address}"), {"registration": "x"}, "PB 1")


def test_field_braces_that_are_not_placeholders_print_as_they_are() -> None:
    lines = fill_field(_field(text="{registration} {x-1} {"), {"registration": "A"})
    assert [line.text for line in lines] == ["A {x-1} {"]


CHOOSE = """<choose>
  <option name="narrow">
    <text x="0" y="10" width="{w1}" size="20" min-size="12" name="title">A LONG TITLE</text>
    <field name="f" x="0" y="40" width="50" height="12">{{registration}}</field>
  </option>
  <option name="wide">
    <text x="0" y="100" width="{w2}" size="20" min-size="12" name="title">A LONG TITLE</text>
    <field name="f" x="0" y="140" width="50" height="12">{{registration}}</field>
  </option>
</choose>"""


def test_choose_takes_the_first_option_whose_text_fits() -> None:
    first = layout_page(page(CHOOSE.format(w1=400, w2=400)), template="t")
    second = layout_page(page(CHOOSE.format(w1=20, w2=400)), template="t")
    assert [(e.y, e.size) for e in first.static] == [(10, 20)]
    assert [(e.y, e.size) for e in second.static] == [(100, 20)]  # nothing of the first option is left
    assert [f.y for f in first.fields] == [40] and [f.y for f in second.fields] == [140]


def test_choose_with_no_option_that_fits_reports_the_last_one() -> None:
    with pytest.raises(FitError, match=r"field title: .A LONG TITLE. does not fit 30pt even at 12"):
        layout_page(page(CHOOSE.format(w1=20, w2=30)), template="t")


@pytest.mark.parametrize(
    "body, message",
    [
        ("<choose/>", "a <choose> holds one or more <option> elements"),
        (
            '<choose><option/><text x="0" y="0">a</text></choose>',
            "a <choose> holds one or more <option> elements",
        ),
        ('<option><text x="0" y="0">a</text></option>', "an <option> belongs inside a <choose>"),
    ],
)
def test_choose_structure_errors(body: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        layout_page(page(body), template="t")


def test_ornament_curves_stay_within_their_tolerance() -> None:
    """Guilloche curves are drawn with as few Bézier segments as keep within 0.05 pt of the
    true curve: one segment fewer would stray further (checked on a rosette's star, whose
    loops are the hardest)."""
    import math

    from certgen.drawing import ornament

    r, small = 20.0, 1 / 7
    d, ratio = small * 2.4, (1 - small) / small

    def f(t: float) -> tuple[float, float]:
        return (
            r * ((1 - small) * math.cos(t) + d * math.cos(ratio * t)),
            r * ((1 - small) * math.sin(t) - d * math.sin(ratio * t)),
        )

    def df(t: float) -> tuple[float, float]:
        return (
            r * (-(1 - small) * math.sin(t) - d * ratio * math.sin(ratio * t)),
            r * ((1 - small) * math.cos(t) - d * ratio * math.cos(ratio * t)),
        )

    n = ornament._segments(f, df, 0, 2 * math.pi)
    assert ornament.TOLERANCE == 0.05
    assert (
        ornament._deviation(f, df, 0, 2 * math.pi, n)
        <= 0.05
        < ornament._deviation(f, df, 0, 2 * math.pi, n - 4)
    )
    # Measured more finely than the rule samples it, the drawn curve is still within 0.06 pt.
    h = 2 * math.pi / n
    worst = 0.0
    for i in range(n):
        a = i * h
        (x0, y0), (x3, y3), (dx0, dy0), (dx3, dy3) = f(a), f(a + h), df(a), df(a + h)
        x1, y1, x2, y2 = x0 + dx0 * h / 3, y0 + dy0 * h / 3, x3 - dx3 * h / 3, y3 - dy3 * h / 3
        for k in range(1, 16):
            s = k / 16
            u = 1 - s
            bx = u**3 * x0 + 3 * u * u * s * x1 + 3 * u * s * s * x2 + s**3 * x3
            by = u**3 * y0 + 3 * u * u * s * y1 + 3 * u * s * s * y2 + s**3 * y3
            tx, ty = f(a + s * h)
            worst = max(worst, math.hypot(bx - tx, by - ty))
    assert worst <= 0.06
    path = ornament._bezier(f, df, 0, 2 * math.pi, close=True)
    assert path.count(" c") == n and path.endswith("h S")


@pytest.mark.parametrize("marker", ["<rosette", 'name="issuer-name"'])
def test_a_layout_error_names_the_template_file_and_its_own_line(
    marker: str, tmp_path, spec_data, write_spec
) -> None:
    """An element of stock/face.xml.j2 (the rosette, or the issuer's name inside a macro) is
    reported at its line of that file, not at a line of the expanded XML."""
    import certgen
    from conftest import ROOT

    folder = tmp_path / "tpl" / "stock"
    folder.mkdir(parents=True)
    lines = (ROOT / "templates" / "stock" / "face.xml.j2").read_text(encoding="utf-8").split("\n")
    [line] = [number for number, text in enumerate(lines, 1) if marker in text]
    assert line > 40 and lines[line - 1].lstrip().startswith(("<rosette", "<text"))
    lines[line - 1] = lines[line - 1].replace(" x", ' bogus="1" x', 1).replace(" cx", ' bogus="1" cx', 1)
    (folder / "face.xml.j2").write_text("\n".join(lines), encoding="utf-8")
    spec_data["templates"] = {"search_path": [str(tmp_path / "tpl")]}
    with pytest.raises(TemplateError) as caught:
        certgen.prepare(write_spec(spec_data), validate=False)
    assert caught.value.template == "stock/face.xml.j2" and caught.value.line == line
    assert f"template stock/face.xml.j2, line {line}" in str(caught.value) and "'bogus'" in str(caught.value)


def test_fields_here_sets_where_fields_are_read() -> None:
    """<fields-here> marks where named fields come in the page's reading order; a name the page
    has no field of is an error naming the template."""
    from certgen.drawing.document import field_groups, static_segments
    from certgen.layout.elements import FieldsHere

    xml = page(
        '<text x="72" y="500" font="garamond" size="10">This certifies that</text>'
        '<fields-here names="registration"/>'
        '<text x="72" y="450" font="garamond" size="10">is the owner of</text>'
        '<field name="registration" x="72" y="470" width="300" height="20" font="garamond" size="10" min-size="8">{registration}</field>'
        '<field name="shares" x="72" y="420" width="300" height="20" font="garamond" size="10" min-size="8">{shares}</field>'
    )
    laid = layout_page(xml, template="t.xml.j2")
    assert [e.names for e in laid.static if isinstance(e, FieldsHere)] == [("registration",)]
    assert [[e.text for e in run] for run in static_segments(laid)] == [
        ["This certifies that"],
        ["is the owner of"],
    ]
    assert field_groups(laid) == [[0], [1]]
    with pytest.raises(TemplateError, match="no field of"):
        layout_page(page('<fields-here names="nothing"/>'), template="t.xml.j2")


def test_art_drawn_after_a_field_over_its_box_is_refused(tmp_path, write_spec) -> None:
    """A field read in place is drawn before the static elements after its mark: a ground drawn
    there over the field's box would cover the printed value (the note face's principal amount,
    had its mark come before the ground under it)."""
    import certgen
    from conftest import ROOT, load_sample

    folder = tmp_path / "tpl" / "notes"
    folder.mkdir(parents=True)
    text = (ROOT / "templates" / "notes" / "face.xml.j2").read_text(encoding="utf-8")
    mark = '  <fields-here names="principal"/>\n'
    assert text.count(mark) == 1
    ground = text.index("  <ground ")
    moved = text.replace(mark, "")
    moved = moved[:ground] + mark + moved[ground:]
    (folder / "face.xml.j2").write_text(moved, encoding="utf-8")
    data = load_sample(ROOT / "samples" / "thornburg-notes-global" / "spec.yaml")
    certgen.prepare(write_spec(data), validate=False)  # the template as shipped lays out
    data["templates"] = {"search_path": [str(tmp_path / "tpl")]}
    with pytest.raises(certgen.RenderError) as caught:
        certgen.prepare(write_spec(data), validate=False)
    assert "a ground is drawn after the field 'principal' and over its box" in str(caught.value)
    assert "draw it before the field's <fields-here> mark" in str(caught.value)


def test_fitting_breaks_lines_only_at_sizes_where_two_lines_fit_the_height(monkeypatch) -> None:
    """A value too wide for one line takes two or more: sizes at which two lines are already
    taller than the box are passed over without breaking the text (the per-certificate cost of
    long registrations), and the size and lines are those of breaking at every size in turn."""
    from certgen.layout import fit

    text = "FIRST FIDUCIARY TRUST COMPANY OF BALTIMORE AS TRUSTEE"
    sizes = fit.sizes_between(16.0, 8.0)
    expected = None
    for size in sizes:  # the plain way: break at each size, keep the first that fits
        lines = fit.break_lines(text, "garamond", size, 300.0)
        if lines is not None and len(lines) <= 3 and len(lines) * size * 1.1 <= 34.0 + 1e-6:
            expected = (size, lines)
            break
    assert expected is not None and len(expected[1]) == 2 and expected[0] < 16.0
    broken: list[float] = []
    real = fit._break_scaled

    def spy(paragraphs, unit_space, size, *rest):  # type: ignore[no-untyped-def]
        broken.append(size)
        return real(paragraphs, unit_space, size, *rest)

    monkeypatch.setattr(fit, "_break_scaled", spy)
    assert fit.fit_lines(text, "garamond", sizes, 300.0, 34.0, 3, 1.1) == expected
    assert broken == [expected[0]]
