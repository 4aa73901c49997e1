"""The call card: who the client is, their phones (click to call, copy), times and history."""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.call_card import CallCard, CardPhone
from operator_app.core.outcomes import DispositionInfo
from operator_app.gui.call.disposition_labels import outcome_label, outcome_labels


def tel_url(phone: CardPhone) -> QUrl:
    return QUrl(f"tel:{phone.e164}")


class CallCardView(QWidget):
    phone_dialled = Signal(int)  # phone id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card: CallCard | None = None
        self._dispositions: tuple[DispositionInfo, ...] = ()
        self.client_name = QLabel()
        self.client_name.setObjectName("clientName")
        self.client_name.setStyleSheet("#clientName { font-size: 15pt; font-weight: bold; }")
        self.client_name.setWordWrap(True)
        self.company = QLabel()
        self.company.setWordWrap(True)
        self.times = QLabel()
        self.times.setWordWrap(True)
        self.list_info = QLabel()
        self.list_info.setWordWrap(True)
        self.campaign = QLabel()
        self.campaign.setWordWrap(True)
        self._form = QFormLayout()
        self._company_caption = QLabel()
        self._times_caption = QLabel()
        self._list_caption = QLabel()
        self._campaign_caption = QLabel()
        self._form.addRow(self._company_caption, self.company)
        self._form.addRow(self._times_caption, self.times)
        self._form.addRow(self._campaign_caption, self.campaign)
        self._form.addRow(self._list_caption, self.list_info)
        self.phones_box = QGroupBox()
        self._phones_grid = QGridLayout(self.phones_box)
        self._phones_grid.setColumnStretch(0, 1)
        self.call_buttons: list[QPushButton] = []
        self.copy_buttons: list[QPushButton] = []
        self.history_box = QGroupBox()
        self.history = QTextBrowser()
        self.history.setOpenLinks(False)
        history_layout = QVBoxLayout(self.history_box)
        history_layout.addWidget(self.history)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.client_name)
        layout.addLayout(self._form)
        layout.addWidget(self.phones_box)
        layout.addWidget(self.history_box, 1)
        self._clock = QTimer(self)
        self._clock.setInterval(20_000)
        self._clock.timeout.connect(self._show_times)
        self.retranslate()

    def show_card(
        self, card: CallCard, dispositions: Sequence[DispositionInfo] | None = None
    ) -> None:
        """`dispositions`: the campaign's outcomes, to name those in the history."""
        self.card = card
        if dispositions is not None:
            self._dispositions = tuple(dispositions)
        self.client_name.setText(card.client_name or self.tr("(no name)"))
        company = card.company_name or "—"
        if card.company_inn:
            company = self.tr("{company}, INN {inn}").format(company=company, inn=card.company_inn)
        self.company.setText(company)
        self.campaign.setText(card.campaign_name or "—")
        list_text = card.list_name or "—"
        if card.hypothesis:
            list_text = self.tr("{list} — hypothesis: {hypothesis}").format(
                list=list_text, hypothesis=card.hypothesis
            )
        self.list_info.setText(list_text)
        self._show_phones(card.phones)
        self._show_history(card)
        self._show_times()
        self._clock.start()

    def _show_phones(self, phones: tuple[CardPhone, ...]) -> None:
        while self._phones_grid.count():
            item = self._phones_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.call_buttons = []
        self.copy_buttons = []
        # Each phone takes two rows, so the card stays narrow (it shares the screen with the
        # script): the number in large type on its own, then its kind and zone beside the buttons.
        for index, phone in enumerate(phones):
            row = index * 2
            number = QLabel(phone.display + (f" ({phone.extension})" if phone.extension else ""))
            larger = number.font()
            larger.setPointSize(12)
            number.setFont(larger)
            # The number is what the operator reads out and dials: never cut it short.
            number.setMinimumWidth(number.sizeHint().width())
            number.setObjectName("phoneNumber")
            number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            details = QLabel(self._phone_details(phone))
            details.setWordWrap(True)
            call = QPushButton(self.tr("Call"))
            call.setToolTip(self.tr("Dial with the softphone ({number})").format(number=phone.e164))
            call.clicked.connect(lambda _checked=False, p=phone: self.dial(p))
            copy = QPushButton(self.tr("Copy"))
            copy.setToolTip(self.tr("Copy the number"))
            copy.clicked.connect(lambda _checked=False, p=phone: self.copy(p))
            details.setObjectName("phoneDetails")
            self._phones_grid.addWidget(number, row, 0, 1, 3)
            self._phones_grid.addWidget(details, row + 1, 0)
            self._phones_grid.addWidget(call, row + 1, 1)
            self._phones_grid.addWidget(copy, row + 1, 2)
            self.call_buttons.append(call)
            self.copy_buttons.append(copy)
        if not phones:
            self._phones_grid.addWidget(QLabel(self.tr("No phone numbers")), 0, 0)

    def _phone_details(self, phone: CardPhone) -> str:
        kind = {
            "mobile": self.tr("mobile"),
            "landline": self.tr("landline"),
        }.get(phone.kind, self.tr("other"))
        if phone.zone:
            zone = phone.zone + (self.tr(" (guessed)") if phone.zone_guessed else "")
            return f"{kind}, {zone}"
        return kind

    def dial(self, phone: CardPhone) -> None:
        QDesktopServices.openUrl(tel_url(phone))
        self.phone_dialled.emit(phone.phone_id)

    def copy(self, phone: CardPhone) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(phone.e164)

    def _show_times(self) -> None:
        card = self.card
        if card is None:
            return
        now = dt.datetime.now(dt.UTC)
        client = now.astimezone(zoneinfo.ZoneInfo(card.zone))
        mine = now.astimezone()
        text = self.tr("client {client} ({zone}{guessed}) · you {mine}").format(
            client=client.strftime("%H:%M"),
            zone=card.zone,
            guessed=self.tr(", guessed") if card.zone_guessed else "",
            mine=mine.strftime("%H:%M"),
        )
        self.times.setText(text)

    def _show_history(self, card: CallCard) -> None:
        if not card.attempts and not card.earlier_answers:
            nothing = self.tr("No earlier calls")
            self.history.setHtml(f"<i>{html.escape(nothing)}</i>")
            return
        lines = []
        labels = outcome_labels(self._dispositions)
        for attempt in card.attempts:
            when = attempt.started_at.astimezone().strftime("%d.%m %H:%M")
            outcome = outcome_label(attempt.disposition, labels) if attempt.disposition else "—"
            parts = [when, attempt.operator or "—", outcome]
            if attempt.reason:
                parts.append(attempt.reason)
            text = " · ".join(html.escape(part) for part in parts)
            if attempt.notes:
                text += f"<br><i>{html.escape(attempt.notes)}</i>"
            lines.append(f"<p>{text}</p>")
        if card.earlier_answers:
            title = self.tr("Earlier answers")
            lines.append(f"<p><b>{html.escape(title)}</b></p><ul>")
            for answer in card.earlier_answers:
                said = answer.answer or answer.free_text or answer.objection_id or ""
                lines.append(f"<li>{html.escape(answer.step_id)}: {html.escape(said)}</li>")
            lines.append("</ul>")
        self.history.setHtml("".join(lines))

    def retranslate(self) -> None:
        self._company_caption.setText(self.tr("Company:"))
        self._times_caption.setText(self.tr("Local time:"))
        self._campaign_caption.setText(self.tr("Campaign:"))
        self._list_caption.setText(self.tr("List:"))
        self.phones_box.setTitle(self.tr("Phones"))
        self.history_box.setTitle(self.tr("Earlier attempts"))
        if self.card is not None:
            self.show_card(self.card)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
