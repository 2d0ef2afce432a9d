"""Load a spec (YAML file or mapping) into a validated :class:`Spec`.

In: a path to a YAML file, or a mapping (for registry systems that hold the
data already).  Out: a frozen :class:`~certgen.spec.schema.Spec`.  Errors are
:class:`~certgen.errors.SpecError` naming the file, the line and the field
path (``issuer.name``) and what to do about it.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import SpecError
from .schema import KeyedValueError, Spec, nearest_line

__all__ = [
    "MAX_SPEC_BYTES",
    "MAX_SPEC_DEPTH",
    "MAX_SPEC_TEXT",
    "MAX_SPEC_VALUES",
    "Spec",
    "load_spec",
    "spec_json_schema",
]

#: Largest spec file read (bytes).  The samples, a note's terms verbatim included, are 2 to 8 KB;
#: anything near this limit is not a spec.
MAX_SPEC_BYTES = 1_000_000
#: Most values (keys, scalars, lists, mappings) a spec may hold, each alias counted every time it
#: is used: YAML aliases can make a few hundred bytes stand for billions of values.
MAX_SPEC_VALUES = 100_000
#: Most characters of text a spec may hold, aliases expanded.
MAX_SPEC_TEXT = 2_000_000
#: Deepest nesting of lists and mappings (a spec uses some six levels).
MAX_SPEC_DEPTH = 40


def load_spec(
    source: str | PathLike[str] | Mapping[str, Any], *, base_dir: str | PathLike[str] | None = None
) -> Spec:
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
        _check_bounds(data, "spec")
    else:
        path = Path(source)
        name = str(source)
        folder = Path(base_dir) if base_dir is not None else path.parent
        text = _read_spec_file(path, name)
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
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]  # PyYAML's loader classes are untyped (Any)
    """The safe loader, whose values that Python cannot make (a date 2020-13-45, a number of
    5,000 digits) are YAML errors at their line, not a ValueError from deep inside PyYAML."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            problem = str(exc)
            if "integer string conversion" in problem:
                problem = "a number of more than 4,300 digits"
            raise _BadValue(
                None, None, f"{node.value!s:.40} is not a valid value ({problem})", node.start_mark
            ) from None


class _BadValue(yaml.constructor.ConstructorError):
    """A scalar that YAML reads but Python cannot make."""


def _read_spec_file(path: Path, name: str) -> str:
    """The spec file's text, refused when it is not a regular file or is larger than
    :data:`MAX_SPEC_BYTES` (read no further than that: ``/dev/zero`` never ends)."""
    try:
        with path.open("rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SpecError("is not a file: give the path of the spec's YAML file", file=name)
            data = stream.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        raise SpecError("file not found", file=name) from None
    except IsADirectoryError:
        raise SpecError("is a folder: give the path of the spec's YAML file", file=name) from None
    except OSError as exc:
        raise SpecError(f"cannot read the file ({exc.strerror or exc})", file=name) from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(
            f"is larger than a spec may be ({MAX_SPEC_BYTES // 1_000_000} MB; real specs are a few "
            "kilobytes): check that this is the spec file",
            file=name,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text (byte {exc.start}): save the file as UTF-8", file=name) from None


def _parse_yaml(text: str, name: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    loader = _Loader(text)
    try:
        # Parsed once: the node tree gives each key's line, and the data is made from it -- after
        # the tree is checked, so that aliases cannot make a small file stand for a huge one.
        node = loader.get_single_node()
        lines = _index_lines(node, name) if node is not None else {}
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}, line {mark.line + 1}" if mark is not None else name
        problem = exc.problem or "not valid YAML"
        if not isinstance(exc, _BadValue):
            problem += " (check indentation and quoting)"
        raise SpecError(problem, file=where) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML ({exc})", file=name) from None
    except RecursionError:  # PyYAML's own (pure Python) parser, where libyaml is missing
        raise SpecError(
            f"is nested more than {MAX_SPEC_DEPTH} levels deep: check the indentation", file=name
        ) from None
    finally:
        loader.dispose()
    return data, lines


def _index_lines(root: yaml.Node, name: str) -> dict[tuple[str | int, ...], int]:
    """The line of every key path, walking the node tree as the data will be made from it
    (an alias's nodes once for each use), once :func:`_check_tree` has found it within the
    limits."""
    _check_tree(root, name)
    lines: dict[tuple[str | int, ...], int] = {(): root.start_mark.line + 1}
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = []
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    child = (*path, str(key.value))
                    lines[child] = key.start_mark.line + 1  # the key's line, not its value's
                    children.append((value, child))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines.setdefault((*path, index), item.start_mark.line + 1)
            stack.extend(reversed([(item, (*path, index)) for index, item in enumerate(node.value)]))
    return lines


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_tree(root: yaml.Node, name: str) -> None:
    """Refuse a node tree that, aliases expanded, holds more than :data:`MAX_SPEC_VALUES` values
    or :data:`MAX_SPEC_TEXT` characters, nests deeper than :data:`MAX_SPEC_DEPTH`, or contains
    itself -- in time proportional to the file, not to the expansion: each distinct node's
    expanded size is computed once (an alias is the same node object as its anchor)."""
    cap = MAX_SPEC_VALUES + MAX_SPEC_TEXT + 1  # sizes are capped: 9**9 aliases need no big numbers
    sizes: dict[int, tuple[int, int, int]] = {}  # id(node) -> (values, characters, depth)
    open_: set[int] = set()  # nodes whose children are being sized: the path from the root
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            values, chars, depth = 1, len(node.value) if isinstance(node, yaml.ScalarNode) else 0, 0
            for child in _children(node):
                child_values, child_chars, child_depth = sizes[id(child)]
                values, chars, depth = (
                    min(values + child_values, cap),
                    min(chars + child_chars, cap),
                    max(depth, child_depth + 1),
                )
            sizes[key] = (values, chars, depth)
            open_.discard(key)
            continue
        if key in sizes:
            continue
        if key in open_:
            raise SpecError(
                "holds an alias inside its own anchor (&name ... *name), which never ends: write the values out",
                file=f"{name}, line {node.start_mark.line + 1}",
            )
        open_.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)) if id(child) not in sizes)
    values, chars, depth = sizes[id(root)]
    if values <= MAX_SPEC_VALUES and chars <= MAX_SPEC_TEXT and depth <= MAX_SPEC_DEPTH:
        return
    # Name the top-level key at which a limit is passed (an alias's nodes carry the anchor's
    # lines, wherever it is used).
    bounds = _Bounds(name)
    pairs = root.value if isinstance(root, yaml.MappingNode) else [(None, child) for child in _children(root)]
    for key_node, value in pairs:
        if isinstance(key_node, yaml.ScalarNode):
            bounds.at, line = (str(key_node.value),), key_node.start_mark.line + 1
        else:
            bounds.at, line = (), value.start_mark.line + 1
        child_values, child_chars, child_depth = sizes[id(value)]
        bounds.values += child_values - 1
        bounds.chars += child_chars
        bounds.count(child_depth + 1, line)
        bounds.text(0, line)
    bounds.at = ()
    bounds.values = MAX_SPEC_VALUES
    bounds.count(depth, root.start_mark.line + 1)  # a limit passed only by the whole


class _Bounds:
    """Counts a spec's values and text as they are walked; refuses past the limits."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values = 0
        self.chars = 0
        #: The top-level key being walked.
        self.at: tuple[str | int, ...] = ()

    def _where(self, line: int | None) -> str:
        where = f"{self.name}, line {line}" if line else self.name
        return f"{where}: {self.at[0]}" if self.at else where

    def count(self, depth: int, line: int | None = None) -> None:
        self.values += 1
        if self.values > MAX_SPEC_VALUES:
            raise SpecError(
                f"holds more than {MAX_SPEC_VALUES:,} values once its aliases (*name) are expanded: "
                "refer to each anchor only a few times, or write the values out",
                file=self._where(line),
            )
        if depth > MAX_SPEC_DEPTH:
            raise SpecError(
                f"is nested more than {MAX_SPEC_DEPTH} levels deep (a spec has some six): "
                "check the indentation",
                file=self._where(line),
            )

    def text(self, length: int, line: int | None = None) -> None:
        self.chars += length
        if self.chars > MAX_SPEC_TEXT:
            raise SpecError(
                f"holds more than {MAX_SPEC_TEXT:,} characters of text once its aliases are expanded: "
                "check that this is the spec (a legend may have at most 64 KB)",
                file=self._where(line),
            )


def _check_bounds(data: Any, name: str) -> None:
    """A spec given as a mapping is held to the limits of a spec file (a cycle in it is
    nested too deeply)."""
    bounds = _Bounds(name)
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(data, 0, ())]
    while stack:
        value, depth, top = stack.pop()
        bounds.at = top
        bounds.count(depth)
        if isinstance(value, (str, bytes)):
            bounds.text(len(value))
        elif isinstance(value, Mapping):
            stack.extend((item, depth + 1, top or (str(key),)) for key, item in value.items())
            stack.extend((key, depth + 1, top) for key in value if not isinstance(key, str))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, depth + 1, top) for item in value)


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
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, KeyedValueError):
        loc = (*loc, *cause.key.split("."))
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
