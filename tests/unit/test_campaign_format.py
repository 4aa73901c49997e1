"""Campaign files: the presets load and dump back unchanged; malformed files name line and reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from operator_app.core.campaign_format import (
    CampaignFormatError,
    HoursInterval,
    dump_campaign,
    load_campaign,
)
from operator_app.core.campaigns import CampaignModel
from operator_app.core.outcomes import DEFAULT_DISPOSITIONS
from operator_app.core.verification.criteria import AnswerType
from operator_app.resources import resource_path

PRESETS = sorted(resource_path("campaigns").glob("*.yaml"))

MINIMAL = """\
name: Мини
model: one-step
calling_hours:
  mon: [09:00-13:00, 14:00-18:00]
  sat: ['10:00-16:00']
dispositions:
  - {code: no_answer, label: Нет ответа}
  - {code: lead, label: Лид, reached: true, positive: true, final: true}
verification:
  criteria:
    - id: age
      question: Возраст?
      type: number
      disqualify_if: {less_than: 21}
    - id: deal
      question: Когда сделка?
      type: date
      required: false
      disqualify_if: {after: 2027-12-31}
  reasons:
    - {code: young, label: Молод}
"""


def test_four_presets_ship_and_one_at_least_is_two_step() -> None:
    assert [path.name for path in PRESETS] == [
        "b2b_subscription.yaml",
        "car_dealer.yaml",
        "credit_broker.yaml",
        "property_developer.yaml",
    ]
    docs = [load_campaign(path.read_text(encoding="utf-8")) for path in PRESETS]
    assert CampaignModel.TWO_STEP in {doc.model for doc in docs}
    assert [doc.b2b for doc in docs] == [True, False, False, False]
    for doc in docs:
        assert doc.dispositions == DEFAULT_DISPOSITIONS
        assert len(doc.criteria) >= 5 and len(doc.reasons) >= 4
        assert any(c.disqualify is not None for c in doc.criteria)
        assert not doc.name.isascii()


@pytest.mark.parametrize("path", PRESETS, ids=lambda path: path.stem)
def test_a_preset_dumps_back_to_its_own_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dump_campaign(load_campaign(text)) == text


def test_a_hand_written_file_reads_with_defaults_and_round_trips_after_one_dump() -> None:
    doc = load_campaign(MINIMAL)
    assert doc.model is CampaignModel.ONE_STEP
    assert (doc.b2b, doc.cyclic, doc.time_zone, doc.script) == (
        False,
        False,
        "Europe/Moscow",
        None,
    )
    assert (doc.max_attempts, doc.backoff_minutes) == (6, (30, 120, 1440))
    assert doc.calling_hours == (
        HoursInterval(0, dt.time(9), dt.time(13)),
        HoursInterval(0, dt.time(14), dt.time(18)),
        HoursInterval(5, dt.time(10), dt.time(16)),
    )
    assert doc.dispositions[1].positive and not doc.dispositions[0].reached
    assert [c.type for c in doc.criteria] == [AnswerType.NUMBER, AnswerType.DATE]
    text = dump_campaign(doc)
    assert load_campaign(text) == doc
    assert dump_campaign(load_campaign(text)) == text


def broken(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


MALFORMED = [
    pytest.param("", 1, "the file is empty", id="empty"),
    pytest.param(broken("  - {code: no_answer", "  - {code: [no_answer"), 7,
                 "not valid YAML", id="bad-yaml"),
    pytest.param(broken("model: one-step", "model: three-step"), 2,
                 "model 'three-step' is not one of one-step, two-step", id="model"),
    pytest.param(broken("model: one-step\n", "model: one-step\ncolour: red\n"), 3,
                 "unknown key 'colour' in the campaign", id="unknown-key"),
    pytest.param(broken("name: Мини\n", ""), 1, "the campaign is missing the key 'name'",
                 id="missing-name"),
    pytest.param(broken("mon: [09:00-13:00, 14:00-18:00]", "mon: [09:00-13:00, 12:00-18:00]"), 4,
                 "'12:00-18:00' overlaps another interval of mon", id="overlap"),
    pytest.param(broken("sat: ['10:00-16:00']", "sat: ['16:00-10:00']"), 5,
                 "'16:00-10:00' ends before it starts", id="backwards"),
    pytest.param(broken("sat: ['10:00-16:00']", "sat: ['10:00-25:00']"), 5,
                 "25:00 is not a time of day", id="bad-time"),
    pytest.param(broken("sat: ['10:00-16:00']", "sun: [10-16]"), 5,
                 "'10-16' is not an interval like 09:00-18:00", id="bad-interval"),
    pytest.param(broken("  sat:", "  saturday:"), 5, "unknown key 'saturday' in calling_hours",
                 id="bad-day"),
    pytest.param(broken("{code: lead,", "{code: no_answer,"), 8,
                 "duplicate disposition code 'no_answer'", id="duplicate-code"),
    pytest.param(broken("reached: true", "reached: yes please"), 8,
                 "reached must be true or false", id="bad-flag"),
    pytest.param(broken("disqualify_if: {less_than: 21}", "disqualify_if: {less_than: двадцать}"),
                 14, "less_than must be a number", id="bad-rule-value"),
    pytest.param(broken("      type: date", "      type: moment"), 17, "unknown type 'moment'",
                 id="bad-type"),
    pytest.param(broken("    - id: deal", "    - id: age"), 15, "duplicate id 'age'",
                 id="duplicate-criterion"),
    pytest.param(broken("{after: 2027-12-31}", "{after: 2027-02-31}"), 19, "cannot be read",
                 id="impossible-date"),
    pytest.param(broken("    - {code: young, label: Молод}\n", ""), 10,
                 "needs at least one non-target reason", id="no-reasons"),
    pytest.param(broken("model: one-step\n", "model: one-step\ntime_zone: Mars/Olympus\n"), 3,
                 "'Mars/Olympus' is not a time zone", id="bad-zone"),
    pytest.param(broken("model: one-step\n", "model: one-step\nretry: {max_attempts: 0, "
                        "backoff_minutes: [30]}\n"), 3,
                 "max_attempts must be a whole number from 1 to 50", id="bad-retry"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "reason"), MALFORMED)
def test_a_malformed_file_is_refused_with_its_line_and_reason(
    text: str, line: int, reason: str
) -> None:
    with pytest.raises(CampaignFormatError) as caught:
        load_campaign(text)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"line {line}: ")


def test_a_reminder_plan_reads_and_only_what_differs_from_the_defaults_is_written() -> None:
    text = (
        MINIMAL
        + "reminders:\n  confirm_call_hours_before: 4\n  next_visit_rule: FREQ=MONTHLY;INTERVAL=3\n"
    )
    doc = load_campaign(text)
    assert doc.reminders.confirm_call_hours_before == 4
    assert doc.reminders.next_visit_rule == "FREQ=MONTHLY;INTERVAL=3"
    assert doc.reminders.control_touch_min_days == 2  # a default
    dumped = dump_campaign(doc)
    assert "reminders:\n  confirm_call_hours_before: 4\n" in dumped
    assert "control_touch_min_days" not in dumped
    assert dump_campaign(load_campaign(dumped)) == dumped
    assert "reminders" not in dump_campaign(load_campaign(MINIMAL))


@pytest.mark.parametrize(
    ("reminders", "line", "reason"),
    [
        ("  confirm_call_hours_before: 0\n", 23, "confirm_call_hours_before must be between"),
        ("  next_visit_rule: every quarter\n", 23, "next_visit_rule"),
        ("  remind_by_pigeon: true\n", 23, "remind_by_pigeon"),
        ("  - 3\n", 23, "reminders must be a mapping"),
    ],
)
def test_a_bad_reminder_plan_is_refused_with_its_line(
    reminders: str, line: int, reason: str
) -> None:
    with pytest.raises(CampaignFormatError) as caught:
        load_campaign(MINIMAL + "reminders:\n" + reminders)
    assert reason in caught.value.reason
    assert caught.value.line == line
