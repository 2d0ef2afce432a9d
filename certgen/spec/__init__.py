"""Load a spec (YAML file or mapping) into a validated :class:`Spec`.

In: a path to a YAML file, or a mapping (for registry systems that hold the
data already).  Out: a frozen :class:`~certgen.spec.schema.Spec`.  Errors are
:class:`~certgen.errors.SpecError` naming the file, the line and the field
path (``issuer.name``) and what to do about it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import SpecError
from .schema import Spec, nearest_line

__all__ = ["Spec", "load_spec", "spec_json_schema"]


def load_spec(source: str | PathLike[str] | Mapping[str, Any], *, base_dir: str | PathLike[str] | None = None) -> Spec:
    """Read and validate a spec.

    :param source: path of a YAML (or JSON) file, or a mapping of its content.
    :param base_dir: folder that relative paths in a mapping spec (signature
        images, template folders) are resolved against; default: the spec
        file's folder, or the current directory for a mapping.
    :raises SpecError: when the file cannot be read or a field is invalid.
    """
    lines: dict[tuple[str | int, ...], int] = {}
    if isinstance(source, Mapping):
        data: Any = dict(source)
        name = None
        folder = Path(base_dir) if base_dir is not None else Path.cwd()
    else:
        path = Path(source)
        name = str(source)
        folder = Path(base_dir) if base_dir is not None else path.parent
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SpecError("file not found", file=name) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot read the file ({exc})", file=name) from None
        data, lines = _parse_yaml(text, name)
    if not isinstance(data, Mapping):
        raise SpecError("a spec must be a mapping of keys (issuer:, security:, ...)", file=name)
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise _spec_error(exc, name, lines) from None
    spec._base_dir = folder.resolve()
    spec._source = name
    spec._lines = lines
    return spec


def spec_json_schema() -> str:
    """The JSON Schema of spec files, as printed by ``certgen schema``."""
    schema = Spec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "certgen spec"
    return json.dumps(schema, indent=2, sort_keys=True)


#: libyaml's safe loader where PyYAML was built with it (five times faster), else PyYAML's own.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str, name: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    loader = _Loader(text)
    try:
        # Parsed once: the node tree gives each key's line, and the data is made from it.
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}, line {mark.line + 1}" if mark is not None else name
        problem = exc.problem or "not valid YAML"
        raise SpecError(f"{problem} (check indentation and quoting)", file=where) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML ({exc})", file=name) from None
    finally:
        loader.dispose()
    lines: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return data, lines


def _index_lines(node: yaml.Node, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            _index_lines(value, child, lines)
            lines[child] = key.start_mark.line + 1  # the key's line, not its value's
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*path, index), lines)


def _spec_error(exc: ValidationError, name: str | None, lines: dict[tuple[str | int, ...], int]) -> SpecError:
    """One-line SpecError for pydantic's first error; ``.problems`` holds one per error."""
    problems = [_problem(error, name, lines) for error in exc.errors()]
    first = problems[0]
    more = len(problems) - 1
    message = first.message
    if more:
        message += f" ({more} more problem{'s' if more > 1 else ''} after this one)"
    out = SpecError(message, file=first.file, field=first.field)
    out.problems = problems
    return out


def _problem(error: Any, name: str | None, lines: dict[tuple[str | int, ...], int]) -> SpecError:
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    field = _dotted(loc)
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    kind = error["type"]
    if kind == "missing":
        message = "is required but missing: add it to the spec"
    elif kind == "extra_forbidden":
        message = "is not a spec key: check its spelling (certgen schema lists the keys)"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "literal_error":
        message = message.replace("Input should be", "must be")
    line = nearest_line(loc, lines)
    where = f"{name}, line {line}" if name and line else name
    return SpecError(message, file=where, field=field or None)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
