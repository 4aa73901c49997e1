"""The portable call-script document: YAML in files, a JSON-safe dict in the database.

A script is a list of stages (contact, diagnostics, teaser, objections, closing). Each stage
has steps; a step says what to say now and may offer answers, each leading to the step `next`.
A step without answers ends its path through the call. The objections stage holds the
objection library, reachable at any moment of the call.

    name: Кредитный брокер — визит в офис
    version: 1
    language: ru
    stages:
      - kind: contact
        steps:
          - id: greeting
            text: Здравствуйте, {client_name}! …
            answers:
              - {label: Удобно, next: q_purchase}
      - kind: diagnostics
        steps:
          - {id: q_purchase, text: …, spin: S}
      - kind: objections
        objections:
          - {id: expensive, title: Дорого, responses: [Понимаю, …]}

A malformed file is refused with a ScriptFormatError naming the line and the reason; the
line numbers come from the YAML node marks, so the validator walks nodes, not plain values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import Node, ScalarNode
from yaml.representer import SafeRepresenter

from operator_app.core.yaml_nodes import INT_TAG, NodeReader, YamlFormatError, line_of

__all__ = [
    "PLACEHOLDER_PATTERN",
    "SPIN_KINDS",
    "Answer",
    "Objection",
    "ScriptDocument",
    "ScriptFormatError",
    "Stage",
    "StageKind",
    "Step",
    "dump_script",
    "from_document",
    "load_script",
    "placeholders",
    "reachable_steps",
    "to_document",
]


class StageKind(StrEnum):
    CONTACT = "contact"
    DIAGNOSTICS = "diagnostics"
    TEASER = "teaser"
    OBJECTIONS = "objections"
    CLOSING = "closing"


SPIN_KINDS = ("S", "P", "I", "N")  # Situation, Problem, Implication, Need-payoff (Rackham)
MAX_ID_LENGTH = 80  # script_answers.step_id and objection_id hold 80 characters
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+$")
_LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


class ScriptFormatError(YamlFormatError):
    """A script document is malformed: `line` (1-based; None for a stored dict) and `reason`."""


@dataclass(frozen=True, slots=True)
class Answer:
    label: str
    next: str  # the id of the step this answer leads to


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    text: str
    spin: str | None = None  # S | P | I | N
    answers: tuple[Answer, ...] = ()


@dataclass(frozen=True, slots=True)
class Objection:
    id: str
    title: str
    responses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stage:
    kind: StageKind
    steps: tuple[Step, ...] = ()
    objections: tuple[Objection, ...] = ()  # only in the objections stage


@dataclass(frozen=True, slots=True)
class ScriptDocument:
    name: str
    version: int
    language: str
    stages: tuple[Stage, ...]

    def steps(self) -> Iterator[tuple[Stage, Step]]:
        """Every step with its stage, in document order."""
        for stage in self.stages:
            for step in stage.steps:
                yield stage, step

    def step(self, step_id: str) -> Step:
        for _stage, step in self.steps():
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def objections(self) -> tuple[Objection, ...]:
        return tuple(o for stage in self.stages for o in stage.objections)


def reachable_steps(doc: ScriptDocument) -> frozenset[str]:
    """The ids of the steps a call can reach from the script's first step by answering."""
    first = next(doc.steps(), None)
    if first is None:
        return frozenset()
    links = {step.id: [answer.next for answer in step.answers] for _stage, step in doc.steps()}
    reached = {first[1].id}
    waiting = [first[1].id]
    while waiting:
        for target in links[waiting.pop()]:
            if target not in reached:
                reached.add(target)
                waiting.append(target)
    return frozenset(reached)


PLACEHOLDER_PATTERN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(doc: ScriptDocument) -> frozenset[str]:
    """The names of every `{placeholder}` in the script's steps and objection responses."""
    texts = [step.text for _stage, step in doc.steps()]
    texts += [response for objection in doc.objections() for response in objection.responses]
    return frozenset(name for text in texts for name in PLACEHOLDER_PATTERN.findall(text))


# --- reading -------------------------------------------------------------------------------

_DOCUMENT_KEYS = ("name", "version", "language", "stages")
_STAGE_KEYS = ("kind", "steps", "objections")
_STEP_KEYS = ("id", "text", "spin", "answers")
_ANSWER_KEYS = ("label", "next")
_OBJECTION_KEYS = ("id", "title", "responses")
_nodes = NodeReader(ScriptFormatError)
_line = line_of
_fail = _nodes.fail
_Fields = _nodes.fields
_text = _nodes.text
_items = _nodes.items


def _identifier(node: Node, what: str) -> str:
    value = _text(node, what)
    if len(value) > MAX_ID_LENGTH:
        raise _fail(node, f"{what} '{value[:20]}…' is longer than {MAX_ID_LENGTH} characters")
    if not _ID_PATTERN.match(value):
        raise _fail(node, f"{what} '{value}' may hold only Latin letters, digits and _ . -")
    return value


def _version(node: Node) -> int:
    if not isinstance(node, ScalarNode) or node.tag != INT_TAG:
        raise _fail(node, "version must be a whole number")
    try:
        value = SafeConstructor().construct_object(node)
    except ConstructorError as error:
        raise _fail(node, "version must be a whole number") from error
    if not isinstance(value, int) or value < 1:
        raise _fail(node, "version must be a whole number of at least 1")
    return value


class _Reader:
    """Builds a ScriptDocument from a node tree, then checks every answer's `next`."""

    def __init__(self) -> None:
        self._ids: dict[str, Node] = {}
        self._links: list[tuple[str, Node]] = []

    def document(self, root: Node) -> ScriptDocument:
        fields = _Fields(root, "the script", _DOCUMENT_KEYS)
        name = _text(fields.required("name"), "name")
        version = _version(fields.required("version"))
        language_node = fields.required("language")
        language = _text(language_node, "language")
        if not _LANGUAGE_PATTERN.match(language):
            raise _fail(language_node, f"language '{language}' is not a code like ru or en")
        stage_nodes = _items(fields.required("stages"), "stages")
        stages = tuple(self.stage(node) for node in stage_nodes)
        self._check_kinds(stages, stage_nodes)
        for target, node in self._links:
            if target not in self._ids:
                raise _fail(node, f"next: '{target}' is not the id of any step")
        return ScriptDocument(name=name, version=version, language=language, stages=stages)

    def stage(self, node: Node) -> Stage:
        fields = _Fields(node, "a stage", _STAGE_KEYS)
        kind_node = fields.required("kind")
        kind_text = _text(kind_node, "kind")
        try:
            kind = StageKind(kind_text)
        except ValueError:
            known = ", ".join(k.value for k in StageKind)
            raise _fail(kind_node, f"unknown stage kind '{kind_text}' (known: {known})") from None
        steps_node = fields.optional("steps")
        objections_node = fields.optional("objections")
        if kind is StageKind.OBJECTIONS:
            if objections_node is None:
                raise _fail(node, "the objections stage has no objections")
            objections = tuple(
                self.objection(item) for item in _items(objections_node, "objections")
            )
            steps: tuple[Step, ...] = ()
            if steps_node is not None:
                steps = tuple(
                    self.step(item) for item in _items(steps_node, "steps", allow_empty=True)
                )
            return Stage(kind=kind, steps=steps, objections=objections)
        if objections_node is not None:
            raise _fail(objections_node, "only the objections stage may hold objections")
        if steps_node is None:
            raise _fail(node, f"the {kind.value} stage is missing the key 'steps'")
        steps = tuple(self.step(item) for item in _items(steps_node, "steps"))
        return Stage(kind=kind, steps=steps)

    def step(self, node: Node) -> Step:
        fields = _Fields(node, "a step", _STEP_KEYS)
        step_id = self._new_id(fields.required("id"), "step id")
        text = _text(fields.required("text"), "text")
        spin: str | None = None
        spin_node = fields.optional("spin")
        if spin_node is not None:
            spin = _text(spin_node, "spin")
            if spin not in SPIN_KINDS:
                raise _fail(spin_node, f"spin '{spin}' is not one of {', '.join(SPIN_KINDS)}")
        answers: tuple[Answer, ...] = ()
        answers_node = fields.optional("answers")
        if answers_node is not None:
            answers = tuple(self.answer(item) for item in _items(answers_node, "answers"))
        return Step(id=step_id, text=text, spin=spin, answers=answers)

    def answer(self, node: Node) -> Answer:
        fields = _Fields(node, "an answer", _ANSWER_KEYS)
        label = _text(fields.required("label"), "label")
        next_node = fields.required("next")
        target = _identifier(next_node, "next")
        self._links.append((target, next_node))
        return Answer(label=label, next=target)

    def objection(self, node: Node) -> Objection:
        fields = _Fields(node, "an objection", _OBJECTION_KEYS)
        objection_id = self._new_id(fields.required("id"), "objection id")
        title = _text(fields.required("title"), "title")
        responses = tuple(
            _text(item, "a response") for item in _items(fields.required("responses"), "responses")
        )
        return Objection(id=objection_id, title=title, responses=responses)

    def _new_id(self, node: Node, what: str) -> str:
        value = _identifier(node, what)
        first = self._ids.get(value)
        if first is not None:
            where = "" if _line(first) is None else f" (first used on line {_line(first)})"
            raise _fail(node, f"duplicate id '{value}'{where}")
        self._ids[value] = node
        return value

    @staticmethod
    def _check_kinds(stages: tuple[Stage, ...], nodes: list[Node]) -> None:
        seen: set[StageKind] = set()
        for stage, node in zip(stages, nodes, strict=True):
            if stage.kind in seen:
                raise _fail(node, f"a second {stage.kind.value} stage; each kind appears once")
            seen.add(stage.kind)


def load_script(text: str) -> ScriptDocument:
    """Parse and check a script file's text. Raises ScriptFormatError (line and reason)."""
    root = _nodes.compose(text)
    return _Reader().document(root)


def from_document(data: Mapping[str, Any]) -> ScriptDocument:
    """The ScriptDocument of a stored dict (script_versions.document), checked like a file."""
    try:
        root = SafeRepresenter(sort_keys=False).represent_data(dict(data))
    except yaml.representer.RepresenterError as error:
        raise ScriptFormatError(
            None, f"the stored script holds a non-text value: {error}"
        ) from error
    return _Reader().document(root)


# --- writing -------------------------------------------------------------------------------


def to_document(doc: ScriptDocument) -> dict[str, Any]:
    """A JSON-safe dict in the portable format's key order, optional keys left out when empty."""
    return {
        "name": doc.name,
        "version": doc.version,
        "language": doc.language,
        "stages": [_stage_dict(stage) for stage in doc.stages],
    }


def _stage_dict(stage: Stage) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": stage.kind.value}
    if stage.steps or stage.kind is not StageKind.OBJECTIONS:
        data["steps"] = [_step_dict(step) for step in stage.steps]
    if stage.objections:
        data["objections"] = [
            {"id": o.id, "title": o.title, "responses": list(o.responses)} for o in stage.objections
        ]
    return data


def _step_dict(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"id": step.id, "text": step.text}
    if step.spin is not None:
        data["spin"] = step.spin
    if step.answers:
        data["answers"] = [{"label": a.label, "next": a.next} for a in step.answers]
    return data


class _ScriptDumper(yaml.SafeDumper):
    """Block style, lists indented under their key, multi-line texts as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_FOLD_LONGER_THAN = 70
# YAML reads these as line breaks; PyYAML may emit them raw in quotes or blocks, which a
# reader then folds, so such texts are written double-quoted, where they are escaped.
_UNUSUAL_LINE_BREAKS = frozenset("\r\x85\u2028\u2029")


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None
    if any(char in _UNUSUAL_LINE_BREAKS for char in value):
        style = '"'
    elif "\n" in value:
        style = "|"
    elif len(value) > _FOLD_LONGER_THAN:
        style = ">"  # long replicas read best as folded blocks, as people write them by hand
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ScriptDumper.add_representer(str, _represent_text)


def dump_script(doc: ScriptDocument) -> str:
    """The script as portable YAML (UTF-8 text, keys in the format's order)."""
    return yaml.dump(
        to_document(doc),
        Dumper=_ScriptDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
