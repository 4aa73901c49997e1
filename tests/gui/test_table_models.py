"""Every table model of the main window passes Qt's model tester, with rows and without."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester

from operator_app.core.campaigns import CampaignModel, CampaignSummary
from operator_app.core.lists import ListSummary
from operator_app.core.roles import Role
from operator_app.core.users import UserInfo
from operator_app.gui.i18n import Translations
from operator_app.gui.models.campaigns import CampaignTableModel
from operator_app.gui.models.lead_lists import LeadListTableModel
from operator_app.gui.models.table import ROW_ROLE, SORT_ROLE
from operator_app.gui.models.users import UserTableModel

CREATED = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def lists() -> list[ListSummary]:
    return [
        ListSummary(
            1,
            "Автосалоны Казань",
            "A",
            80,
            "Кредитный брокер",
            "Покупают в кредит\nчасто",
            "cars.csv",
            120,
            100,
            10,
            8,
            2,
            CREATED,
        ),
        ListSummary(2, "Стоматологии", "C", 20, None, None, None, 1500, 1400, 50, 40, 10, CREATED),
    ]


def users() -> list[UserInfo]:
    return [
        UserInfo(1, "boss", "Анна", Role.ADMIN, True),
        UserInfo(2, "olga", "Ольга", Role.OPERATOR, False),
    ]


def campaigns() -> list[CampaignSummary]:
    return [
        CampaignSummary(
            1, "Кредитный брокер", CampaignModel.TWO_STEP, "Europe/Moscow", "Скрипт", True, False
        ),
        CampaignSummary(
            2, "Архив", CampaignModel.ONE_STEP, "Asia/Yekaterinburg", None, False, True
        ),
    ]


def test_lead_list_model(qtmodeltester: ModelTester, translations: Translations) -> None:
    model = LeadListTableModel()
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    model.set_rows(lists())
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"
    assert model.data(model.index(0, 10)) == "Покупают в кредит часто"  # one line in the table
    assert model.data(model.index(0, 10), Qt.ItemDataRole.ToolTipRole) == "Покупают в кредит\nчасто"
    assert model.data(model.index(1, 3)) == "—"
    assert model.data(model.index(1, 4)) == "1,500"
    assert model.data(model.index(1, 4), SORT_ROLE) == 1500
    assert model.data(model.index(1, 0), ROW_ROLE).id == 2


def test_user_model(qtmodeltester: ModelTester, translations: Translations) -> None:
    model = UserTableModel()
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    model.set_rows(users())
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert model.data(model.index(0, 2)) == "Administrator"
    assert model.data(model.index(1, 3)) == "Disabled"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert model.row_of_user(2) == 1


def test_campaign_model(qtmodeltester: ModelTester, translations: Translations) -> None:
    model = CampaignTableModel()
    model.set_rows(campaigns())
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert model.data(model.index(0, 1)) == "Two-step (lead generator and seller)"
    assert model.data(model.index(1, 3)) == "No"


def test_sorting_uses_numbers_not_text(
    qtmodeltester: ModelTester, translations: Translations
) -> None:
    model = LeadListTableModel()
    rows = lists()
    rows.append(ListSummary(3, "Малая", "B", 9, None, None, None, 9, 9, 0, 0, 0, CREATED))
    model.set_rows(rows)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(4, Qt.SortOrder.AscendingOrder)  # read: 9 < 120 < 1500, though "9" > "1,500"
    qtmodeltester.check(proxy)  # type: ignore[no-untyped-call]
    assert [proxy.data(proxy.index(row, 0)) for row in range(3)] == [
        "Малая",
        "Автосалоны Казань",
        "Стоматологии",
    ]


def test_headers_follow_the_language(translations: Translations) -> None:
    model = UserTableModel()
    translations.apply("ru")
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Логин"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Роль"
