"""Reading a portable YAML file node by node, so every error names its line.

The script and campaign formats share this: the file is composed into nodes (not loaded
into plain values), each value is checked where it stands, and a problem is raised as the
format's own error type with the 1-based line of the offending node.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from operator_app.core.errors import OperatorAppError

__all__ = [
    "BOOL_TAG",
    "INT_TAG",
    "NULL_TAG",
    "Fields",
    "NodeReader",
    "YamlFormatError",
    "line_of",
]

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"

# libyaml's parser is about ten times faster and marks nodes with the same lines.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFormatError(OperatorAppError):
    """A document is malformed: `line` (1-based; None for a stored dict) and `reason`."""

    def __init__(self, line: int | None, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(reason if line is None else f"line {line}: {reason}")


E = TypeVar("E", bound=YamlFormatError)


def line_of(node: Node) -> int | None:
    mark = node.start_mark
    return None if mark is None else mark.line + 1


class Fields:
    """The keys of one YAML mapping, checked against the keys its place allows."""

    def __init__(
        self, reader: NodeReader[E], node: Node, what: str, allowed: tuple[str, ...]
    ) -> None:
        if not isinstance(node, MappingNode):
            raise reader.fail(node, f"{what} must be a mapping of keys to values")
        self._reader: NodeReader[E] = reader
        self.node = node
        self.what = what
        self.keys: dict[str, Node] = {}
        self.values: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in allowed:
                shown = key if key is not None else "a non-text key"
                raise reader.fail(
                    key_node, f"unknown key '{shown}' in {what} (allowed: {', '.join(allowed)})"
                )
            if key in self.values:
                raise reader.fail(key_node, f"duplicate key '{key}' in {what}")
            self.keys[key] = key_node
            self.values[key] = value_node

    def optional(self, key: str) -> Node | None:
        value = self.values.get(key)
        if isinstance(value, ScalarNode) and value.tag == NULL_TAG:
            return None
        return value

    def required(self, key: str) -> Node:
        value = self.optional(key)
        if value is None:
            raise self._reader.fail(self.node, f"{self.what} is missing the key '{key}'")
        return value


class NodeReader(Generic[E]):
    """Checks that raise `error` (the format's own YamlFormatError subclass)."""

    def __init__(self, error: type[E]) -> None:
        self.error = error

    def fail(self, node: Node, reason: str) -> E:
        return self.error(line_of(node), reason)

    def fields(self, node: Node, what: str, allowed: tuple[str, ...]) -> Fields:
        return Fields(self, node, what, allowed)

    def text(self, node: Node, what: str, max_length: int | None = None) -> str:
        # Any plain scalar is taken as the text it is written as: a label "Yes" stays "Yes".
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            raise self.fail(node, f"{what} must be text")
        value = str(node.value).strip()
        if not value:
            raise self.fail(node, f"{what} must not be empty")
        if max_length is not None and len(value) > max_length:
            raise self.fail(node, f"{what} is longer than {max_length} characters")
        return value

    def items(self, node: Node, what: str, *, allow_empty: bool = False) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        if not node.value and not allow_empty:
            raise self.fail(node, f"{what} must not be empty")
        return list(node.value)

    def compose(self, text: str) -> Node:
        """The document's root node; unreadable YAML or an empty file raise `error`."""
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.MarkedYAMLError as error:
            raise self._yaml_error(error) from error
        except yaml.reader.ReaderError as error:
            line = text.count("\n", 0, max(error.position, 0)) + 1
            raise self.error(line, f"not valid YAML: {error.reason}") from error
        except yaml.YAMLError as error:
            raise self.error(1, f"not valid YAML: {error}") from error
        if root is None:
            raise self.error(1, "the file is empty")
        return root

    def _yaml_error(self, error: yaml.MarkedYAMLError) -> E:
        mark = error.problem_mark or error.context_mark
        line = 1 if mark is None else mark.line + 1
        reason = error.problem or error.context or "unreadable YAML"
        context = error.context_mark
        if error.problem and error.context and context is not None and context.line + 1 != line:
            # "did not find expected ']'" is found lines after the "[" that opened the list.
            reason += f" ({error.context} on line {context.line + 1})"
        return self.error(line, f"not valid YAML: {reason}")
