"""The demo's made-up data passes the app's own checks and is the same for the same seed."""

from __future__ import annotations

import random
import re

import pytest

from operator_app.core.campaign_format import load_campaign
from operator_app.core.company_ids import normalize_inn
from operator_app.core.demo_data.inn import check_digit, company_inn, person_inn
from operator_app.core.demo_data.leads import generate_list
from operator_app.core.demo_data.people import email_for, random_person
from operator_app.core.demo_data.phones import landline_phone, mobile_phone
from operator_app.core.demo_data.workspace import (
    CAR_LOANS_REGIONS,
    DEMO_CAMPAIGNS,
    DEMO_LISTS,
    DEMO_OFFICES,
    DEMO_VERIFICATIONS,
    FUEL_CARDS_COMPANIES,
)
from operator_app.core.phones import PhoneKind, normalize_phone
from operator_app.core.scripts_format import load_script
from operator_app.resources import resource_path


def test_check_digits_of_known_inns() -> None:
    assert check_digit("770708389", (2, 4, 10, 3, 5, 9, 4, 6, 8)) == "3"  # 7707083893
    with pytest.raises(ValueError, match="9 digits expected"):
        check_digit("77070838", (2, 4, 10, 3, 5, 9, 4, 6, 8))


@pytest.mark.parametrize("seed", range(5))
def test_generated_inns_pass_the_apps_inn_check(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        company, person = company_inn(rng, "66"), person_inn(rng, "54")
        assert normalize_inn(company) == company and company.startswith("66")
        assert normalize_inn(person) == person and person.startswith("54")
        assert (len(company), len(person)) == (10, 12)


def test_names_agree_in_gender() -> None:
    rng = random.Random(1)
    for _ in range(300):
        person = random_person(rng)
        last, first, patronymic = person.full_name.split(" ")
        if person.female:
            assert patronymic.endswith("на")
            assert not last.endswith(("ов", "ев", "ёв", "ин", "ский", "цкий", "ой"))
        else:
            assert patronymic.endswith(("ич",))
            assert not last.endswith(("ова", "ева", "ина", "ская"))
        assert person.polite_name == f"{first} {patronymic}"


def test_e_mails_are_latin_addresses() -> None:
    rng = random.Random(2)
    for _ in range(100):
        email = email_for(random_person(rng), rng)
        assert re.fullmatch(r"[a-z0-9._]+@[a-z]+\.(ru|com)", email), email


def test_generated_phones_are_valid_unique_and_of_the_asked_kind() -> None:
    rng = random.Random(3)
    taken: set[str] = set()
    for _ in range(100):
        raw, parsed = mobile_phone(rng, taken)
        assert normalize_phone(raw) == parsed and parsed.kind is PhoneKind.MOBILE
    for code, zone in (("495", "Europe/Moscow"), ("343", "Asia/Yekaterinburg")):
        raw, parsed = landline_phone(rng, code, taken, extension="12")
        assert parsed.kind is PhoneKind.LANDLINE and parsed.extension == "12"
        assert parsed.time_zones == (zone,)
    assert len(taken) == 102


def test_a_list_is_the_same_for_the_same_seed_and_different_for_another() -> None:
    def make(seed: int) -> list[object]:
        return list(
            generate_list(
                CAR_LOANS_REGIONS,
                random.Random(seed),
                default_zone="Europe/Moscow",
                taken_phones=set(),
                taken_inns=set(),
            )
        )

    assert make(5) == make(5)
    assert make(5) != make(6)


def test_lists_share_no_phone_or_inn() -> None:
    rng = random.Random(4)
    phones: set[str] = set()
    inns: set[str] = set()
    leads = [
        lead
        for spec in DEMO_LISTS
        for lead in generate_list(
            spec, rng, default_zone="Europe/Moscow", taken_phones=phones, taken_inns=inns
        )
    ]
    all_phones = [phone.e164 for lead in leads for phone in lead.phones]
    assert len(all_phones) == len(set(all_phones)) == len(phones)
    companies = {lead.company.inn: lead.company for lead in leads if lead.company}
    assert set(companies) == inns
    assert sum(lead.blocked for lead in leads) == sum(spec.blocked for spec in DEMO_LISTS)


def test_each_campaign_has_a_list_and_every_list_a_campaign() -> None:
    campaigns = {campaign.name for campaign in DEMO_CAMPAIGNS}
    assert {spec.campaign for spec in DEMO_LISTS} == campaigns
    assert len(campaigns) == 5
    assert 220 <= sum(spec.size for spec in DEMO_LISTS) <= 300
    scripts = {campaign.script_file for campaign in DEMO_CAMPAIGNS} - {None}
    assert scripts == {
        "credit_broker_visit.ru.yaml",
        "clinic_booking.ru.yaml",
        "b2b_decision_maker.ru.yaml",
    }
    offices = {office.name for office in DEMO_OFFICES}
    assert all(campaign.office_name in offices for campaign in DEMO_CAMPAIGNS)


def test_every_b2b_lead_has_a_valid_company_and_a_position() -> None:
    leads = generate_list(
        FUEL_CARDS_COMPANIES,
        random.Random(8),
        default_zone="Europe/Moscow",
        taken_phones=set(),
        taken_inns=set(),
    )
    assert len(leads) == FUEL_CARDS_COMPANIES.size
    for lead in leads:
        assert lead.company is not None and normalize_inn(lead.company.inn) == lead.company.inn
        assert lead.position and lead.role in {"decision_maker", "influencer"}
    custom = [lead.custom_fields for lead in leads if lead.custom_fields]
    assert all("Машин в автопарке" in fields for fields in custom)


def test_every_preset_ships_as_a_demo_campaign_that_says_what_its_preset_says() -> None:
    presets = {c.preset_file for c in DEMO_CAMPAIGNS} - {None}
    assert presets == {p.name for p in resource_path("campaigns").glob("*.yaml")}
    for spec in DEMO_CAMPAIGNS:
        if spec.preset_file is None:
            continue
        doc = load_campaign(resource_path("campaigns", spec.preset_file).read_text("utf-8"))
        assert (doc.name, doc.model, doc.b2b, doc.cyclic, doc.time_zone) == (
            spec.name,
            spec.model,
            spec.is_b2b,
            spec.is_cyclic,
            spec.time_zone,
        )
        hours = [(i.weekday, i.starts, i.ends) for i in doc.calling_hours]
        assert hours == sorted((i.weekday, i.starts, i.ends) for i in spec.calling_hours)
        assert doc.dispositions == spec.dispositions
        script = None
        if spec.script_file is not None:
            script = load_script(resource_path("scripts", spec.script_file).read_text("utf-8"))
        assert doc.script == (None if script is None else script.name)


def test_demo_verifications_point_at_leads_of_lists_with_criteria() -> None:
    sizes = {spec.name: spec.size - spec.blocked for spec in DEMO_LISTS}
    for item in DEMO_VERIFICATIONS:
        assert 0 <= item.lead_index < sizes[item.list_name]
    assert sum(item.override_verdict is not None for item in DEMO_VERIFICATIONS) == 1
