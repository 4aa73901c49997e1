"""The portable campaign file: YAML a supervisor can read, edit and move between databases.

    name: Кредитный брокер — визит в офис
    model: two-step            # or one-step
    b2b: false
    cyclic: false
    time_zone: Europe/Moscow
    script: Кредитный брокер — визит в офис   # a script's name, or null
    retry:
      max_attempts: 6
      backoff_minutes: [30, 120, 1440]
    calling_hours:             # the client's local time; a day left out has no calls
      mon: [09:00-13:00, 14:00-20:00]
    dispositions:
      - {code: no_answer, label: Нет ответа}          # flags default to false
      - {code: lead, label: Лид, reached: true, positive: true, final: true}
    verification:
      criteria: [...]          # see core.verification.criteria
      reasons:
        - {code: bad_history, label: Испорченная кредитная история}
    reminders:                 # optional: the visit reminder plan, only what differs from
      confirm_call_hours_before: 4   # the defaults (core.calendar.reminder_plan)

load_campaign refuses a malformed file with a CampaignFormatError naming the line and the
reason (lines come from the YAML nodes, as in core.scripts_format). dump_campaign writes the
canonical layout (block style, false flags left out), so a file written by dump_campaign
loads and dumps back to the very same text.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from operator_app.core.calendar.reminder_plan import ReminderSettings
from operator_app.core.campaigns import CampaignModel
from operator_app.core.errors import ValidationFailed
from operator_app.core.outcomes import (
    DEFAULT_BACKOFF_MINUTES,
    DEFAULT_MAX_ATTEMPTS,
    DispositionSpec,
)
from operator_app.core.verification.criteria import (
    CriteriaError,
    Criterion,
    NonTargetReason,
    criteria_from_data,
    criterion_to_data,
    reasons_from_data,
    reasons_to_data,
)
from operator_app.core.yaml_nodes import (
    BOOL_TAG,
    INT_TAG,
    NULL_TAG,
    NodeReader,
    YamlFormatError,
    line_of,
)

__all__ = [
    "WEEKDAY_KEYS",
    "CampaignDocument",
    "CampaignFormatError",
    "HoursInterval",
    "dump_campaign",
    "load_campaign",
]

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DOCUMENT_KEYS = (
    "name",
    "model",
    "b2b",
    "cyclic",
    "time_zone",
    "script",
    "retry",
    "calling_hours",
    "dispositions",
    "verification",
    "reminders",
)
_RETRY_KEYS = ("max_attempts", "backoff_minutes")
_FLAGS = ("reached", "positive", "final", "needs_callback_time", "needs_reason")
_DISPOSITION_KEYS = ("code", "label", *_FLAGS)
_VERIFICATION_KEYS = ("criteria", "reasons")
_INTERVAL = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")
_MAX_NAME = 200  # campaigns.name, dispositions.label
_MAX_CODE = 40  # dispositions.code
_MAX_ATTEMPTS = 50
_TYPED_TAGS = frozenset(
    {BOOL_TAG, INT_TAG, "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
)


class CampaignFormatError(YamlFormatError):
    """A campaign file is malformed: `line` (1-based) and `reason`."""


@dataclass(frozen=True, slots=True)
class HoursInterval:
    """A calling interval of a weekday (0 = Monday) in the client's local time."""

    weekday: int
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True, slots=True)
class CampaignDocument:
    name: str
    model: CampaignModel
    b2b: bool
    cyclic: bool
    time_zone: str
    script: str | None  # the name of a script in the database
    max_attempts: int
    backoff_minutes: tuple[int, ...]
    calling_hours: tuple[HoursInterval, ...]  # by weekday, then start
    dispositions: tuple[DispositionSpec, ...]  # in display order
    criteria: tuple[Criterion, ...]
    reasons: tuple[NonTargetReason, ...]
    reminders: ReminderSettings = field(default_factory=ReminderSettings)


# --- reading -------------------------------------------------------------------------------


_nodes = NodeReader(CampaignFormatError)
_line = line_of
_fail = _nodes.fail
_Fields = _nodes.fields
_items = _nodes.items


def _text(node: Node, what: str, max_length: int = _MAX_NAME) -> str:
    return _nodes.text(node, what, max_length)


def _flag(node: Node | None, what: str) -> bool:
    if node is None:
        return False
    if not isinstance(node, ScalarNode) or node.tag != BOOL_TAG:
        raise _fail(node, f"{what} must be true or false")
    return bool(SafeConstructor().construct_object(node))


def _whole(node: Node, what: str, low: int, high: int) -> int:
    if not isinstance(node, ScalarNode) or node.tag != INT_TAG:
        raise _fail(node, f"{what} must be a whole number")
    try:
        value = SafeConstructor().construct_object(node)
    except ConstructorError as error:
        raise _fail(node, f"{what} must be a whole number") from error
    if not isinstance(value, int) or not low <= value <= high:
        raise _fail(node, f"{what} must be a whole number from {low} to {high}")
    return value


def _plain(node: Node) -> Any:
    """Plain Python data of a node: typed scalars constructed, other scalars kept as text."""
    if isinstance(node, ScalarNode):
        if node.tag == NULL_TAG:
            return None
        if node.tag in _TYPED_TAGS:
            try:
                return SafeConstructor().construct_object(node)
            except (ConstructorError, ValueError) as error:
                raise _fail(node, f"'{node.value}' cannot be read") from error
        return node.value
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    assert isinstance(node, MappingNode)
    data: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node)
        if key in data:
            raise _fail(key_node, f"duplicate key '{key}'")
        data[key] = _plain(value_node)
    return data


def _time(node: Node, hours: str, minutes: str) -> dt.time:
    try:
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise _fail(node, f"{hours}:{minutes} is not a time of day") from None


def _calling_hours(node: Node) -> tuple[HoursInterval, ...]:
    fields = _Fields(node, "calling_hours", WEEKDAY_KEYS)
    intervals: list[HoursInterval] = []
    for weekday, day in enumerate(WEEKDAY_KEYS):
        day_node = fields.optional(day)
        if day_node is None:
            continue
        day_intervals: list[HoursInterval] = []
        for item in _items(day_node, f"the hours of {day}"):
            text = _text(item, f"an interval of {day}")
            match = _INTERVAL.match(text)
            if match is None:
                raise _fail(item, f"'{text}' is not an interval like 09:00-18:00")
            starts = _time(item, *match.group(1, 2))
            ends = _time(item, *match.group(3, 4))
            if starts >= ends:
                raise _fail(item, f"'{text}' ends before it starts")
            for other in day_intervals:
                if starts < other.ends and other.starts < ends:
                    raise _fail(item, f"'{text}' overlaps another interval of {day}")
            day_intervals.append(HoursInterval(weekday, starts, ends))
        intervals += sorted(day_intervals, key=lambda interval: interval.starts)
    return tuple(intervals)


def _dispositions(node: Node) -> tuple[DispositionSpec, ...]:
    specs: list[DispositionSpec] = []
    for item in _items(node, "dispositions"):
        fields = _Fields(item, "a disposition", _DISPOSITION_KEYS)
        code_node = fields.required("code")
        code = _text(code_node, "code", _MAX_CODE)
        if not _CODE.match(code):
            raise _fail(code_node, f"code '{code}' may hold only Latin letters, digits and _ . -")
        if any(spec.code == code for spec in specs):
            raise _fail(code_node, f"duplicate disposition code '{code}'")
        label = _text(fields.required("label"), "label")
        flags = {flag: _flag(fields.optional(flag), flag) for flag in _FLAGS}
        specs.append(DispositionSpec(code, label, **flags))
    return tuple(specs)


def _criteria_error(error: CriteriaError, items: list[Node], fallback: Node) -> CampaignFormatError:
    if error.index is None or error.index >= len(items):
        return _fail(fallback, error.reason)
    item = items[error.index]
    node: Node = item
    if isinstance(item, MappingNode) and error.field is not None:
        for key_node, value_node in item.value:
            if isinstance(key_node, ScalarNode) and key_node.value == error.field:
                node = value_node
    return _fail(node, error.reason)


def _verification(node: Node | None) -> tuple[tuple[Criterion, ...], tuple[NonTargetReason, ...]]:
    if node is None:
        return (), ()
    fields = _Fields(node, "verification", _VERIFICATION_KEYS)
    criteria: tuple[Criterion, ...] = ()
    criteria_node = fields.optional("criteria")
    if criteria_node is not None:
        items = _items(criteria_node, "criteria", allow_empty=True)
        try:
            criteria = criteria_from_data([_plain(item) for item in items])
        except CriteriaError as error:
            raise _criteria_error(error, items, criteria_node) from error
    reasons: tuple[NonTargetReason, ...] = ()
    reasons_node = fields.optional("reasons")
    if reasons_node is not None:
        items = _items(reasons_node, "reasons", allow_empty=True)
        try:
            reasons = reasons_from_data([_plain(item) for item in items])
        except CriteriaError as error:
            raise _criteria_error(error, items, reasons_node) from error
    if criteria and not reasons:
        raise _fail(node, "verification with criteria needs at least one non-target reason")
    return criteria, reasons


def _reminders(node: Node | None) -> ReminderSettings:
    if node is None:
        return ReminderSettings()
    if not isinstance(node, MappingNode):
        raise _fail(node, "reminders must be a mapping of settings")
    try:
        return ReminderSettings.from_json(_plain(node))
    except ValidationFailed as error:
        at = next(
            (value for key, value in node.value if getattr(key, "value", None) == error.field),
            node,
        )
        raise _fail(at, f"reminders: {error}") from None


def _document(root: Node) -> CampaignDocument:
    fields = _Fields(root, "the campaign", _DOCUMENT_KEYS)
    name = _text(fields.required("name"), "name")
    model_node = fields.required("model")
    model_text = _text(model_node, "model")
    try:
        model = CampaignModel(model_text)
    except ValueError:
        known = ", ".join(m.value for m in CampaignModel)
        raise _fail(model_node, f"model '{model_text}' is not one of {known}") from None
    zone = "Europe/Moscow"
    zone_node = fields.optional("time_zone")
    if zone_node is not None:
        zone = _text(zone_node, "time_zone")
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise _fail(zone_node, f"'{zone}' is not a time zone like Europe/Moscow") from None
    script_node = fields.optional("script")
    max_attempts = DEFAULT_MAX_ATTEMPTS
    backoff: tuple[int, ...] = DEFAULT_BACKOFF_MINUTES
    retry_node = fields.optional("retry")
    if retry_node is not None:
        retry = _Fields(retry_node, "retry", _RETRY_KEYS)
        max_attempts = _whole(retry.required("max_attempts"), "max_attempts", 1, _MAX_ATTEMPTS)
        backoff = tuple(
            _whole(item, "a back-off", 1, 60 * 24 * 30)
            for item in _items(retry.required("backoff_minutes"), "backoff_minutes")
        )
    criteria, reasons = _verification(fields.optional("verification"))
    return CampaignDocument(
        name=name,
        model=model,
        b2b=_flag(fields.optional("b2b"), "b2b"),
        cyclic=_flag(fields.optional("cyclic"), "cyclic"),
        time_zone=zone,
        script=None if script_node is None else _text(script_node, "script"),
        max_attempts=max_attempts,
        backoff_minutes=backoff,
        calling_hours=_calling_hours(fields.required("calling_hours")),
        dispositions=_dispositions(fields.required("dispositions")),
        criteria=criteria,
        reasons=reasons,
        reminders=_reminders(fields.optional("reminders")),
    )


def load_campaign(text: str) -> CampaignDocument:
    """Parse and check a campaign file's text. Raises CampaignFormatError (line and reason)."""
    root = _nodes.compose(text)
    return _document(root)


# --- writing -------------------------------------------------------------------------------


def _interval_text(interval: HoursInterval) -> str:
    return f"{interval.starts:%H:%M}-{interval.ends:%H:%M}"


def _criterion_yaml(criterion: Criterion) -> dict[str, Any]:
    data = criterion_to_data(criterion)
    rule = criterion.disqualify
    if rule is not None and isinstance(rule.operand, dt.date):
        data["disqualify_if"] = {rule.kind.value: rule.operand}  # written as a bare date
    return data


def to_document(doc: CampaignDocument) -> dict[str, Any]:
    """The file's data in key order; false disposition flags are left out."""
    hours: dict[str, list[str]] = {}
    for interval in doc.calling_hours:
        hours.setdefault(WEEKDAY_KEYS[interval.weekday], []).append(_interval_text(interval))
    dispositions = []
    for spec in doc.dispositions:
        item: dict[str, Any] = {"code": spec.code, "label": spec.label}
        item.update({flag: True for flag in _FLAGS if getattr(spec, flag)})
        dispositions.append(item)
    document: dict[str, Any] = {
        "name": doc.name,
        "model": doc.model.value,
        "b2b": doc.b2b,
        "cyclic": doc.cyclic,
        "time_zone": doc.time_zone,
        "script": doc.script,
        "retry": {"max_attempts": doc.max_attempts, "backoff_minutes": list(doc.backoff_minutes)},
        "calling_hours": {day: hours[day] for day in WEEKDAY_KEYS if day in hours},
        "dispositions": dispositions,
        "verification": {
            "criteria": [_criterion_yaml(criterion) for criterion in doc.criteria],
            "reasons": reasons_to_data(doc.reasons),
        },
    }
    defaults = ReminderSettings().to_json()
    reminders = {k: v for k, v in doc.reminders.to_json().items() if v != defaults[k]}
    if reminders:
        document["reminders"] = reminders
    return document


class _CampaignDumper(yaml.SafeDumper):
    """Block style with lists indented under their key; back-offs and intervals inline."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_FOLD_LONGER_THAN = 70
_UNUSUAL_LINE_BREAKS = frozenset("\r\x85\u2028\u2029")


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None
    if any(char in _UNUSUAL_LINE_BREAKS for char in value):
        style = '"'
    elif "\n" in value:
        style = "|"
    elif len(value) > _FOLD_LONGER_THAN:
        style = ">"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    inline = bool(value) and (
        all(isinstance(item, int) for item in value)
        or all(isinstance(item, str) and _INTERVAL.match(item) for item in value)
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=inline)


_CampaignDumper.add_representer(str, _represent_text)
_CampaignDumper.add_representer(list, _represent_list)


def dump_campaign(doc: CampaignDocument) -> str:
    """The campaign as a YAML file's text (UTF-8, keys in the format's order)."""
    return yaml.dump(
        to_document(doc),
        Dumper=_CampaignDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
