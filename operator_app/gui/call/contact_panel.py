"""The person on the line: name, role, position, phones and e-mail checked as typed, and the
consents heard in this call (personal data, reminders) with the channel they came by.

Saving never loses what was typed: a refused field keeps its text and gets a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.consent import (
    ConsentChannel,
    ConsentGiven,
    ConsentKind,
    ConsentService,
    ConsentSummary,
)
from operator_app.core.contacts import (
    ContactInput,
    ContactRole,
    ContactService,
    ContactView,
    EmailError,
    EmailProblem,
    InvalidFields,
    PhoneInput,
    validate_email,
    validate_phone,
)
from operator_app.core.errors import OperatorAppError
from operator_app.core.phones import PhoneError, PhoneProblem
from operator_app.core.roles import Actor
from operator_app.gui.call.contact_labels import channel_name, role_name
from operator_app.gui.tasks import BackgroundTask, TaskContext
from operator_app.gui.widgets.field_error import field_error_label, show_field_error
from operator_app.storage.repositories.call_queries import is_connection_error

__all__ = ["ContactPanel", "email_problem_text", "phone_problem_text"]


def email_problem_text(problem: str) -> str:
    translate = QCoreApplication.translate
    texts = {
        EmailProblem.SPACES.value: translate("ContactPanel", "An e-mail address has no spaces."),
        EmailProblem.MISSING_AT.value: translate(
            "ContactPanel", "An e-mail address needs an @, like name@example.ru."
        ),
        EmailProblem.SEVERAL_AT.value: translate(
            "ContactPanel", "An e-mail address has only one @."
        ),
        EmailProblem.LOCAL_PART.value: translate(
            "ContactPanel", "Something is wrong before the @."
        ),
        EmailProblem.DOMAIN.value: translate(
            "ContactPanel", "After the @ there must be a domain like example.ru."
        ),
        EmailProblem.TOO_LONG.value: translate(
            "ContactPanel", "This is too long for an e-mail address."
        ),
    }
    return texts.get(problem) or translate("ContactPanel", "This is not an e-mail address.")


def phone_problem_text(problem: str) -> str:
    translate = QCoreApplication.translate
    texts = {
        PhoneProblem.NOT_A_NUMBER.value: translate(
            "ContactPanel", "Enter one phone number, like +7 912 345-67-89."
        ),
        PhoneProblem.TOO_SHORT.value: translate(
            "ContactPanel", "Digits are missing: the number looks cut off."
        ),
        PhoneProblem.TOO_LONG.value: translate(
            "ContactPanel", "Too many digits for one phone number."
        ),
        PhoneProblem.INVALID.value: translate("ContactPanel", "No such phone number exists."),
        "duplicate": translate("ContactPanel", "This number is already in the list."),
    }
    return texts.get(problem) or translate("ContactPanel", "This is not a phone number.")


@dataclass
class PhoneRow:
    widget: QWidget
    text: QLineEdit
    verified: QCheckBox
    error: QLabel


@dataclass(frozen=True)
class SavedContact:
    contact: ContactView
    consents: ConsentSummary


class ContactPanel(QGroupBox):
    saved = Signal(object)  # the saved ContactView
    changed = Signal()

    def __init__(
        self,
        contacts: ContactService,
        consents: ConsentService,
        actor: Actor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactPanel")
        self.contacts = contacts
        self.consents = consents
        self.actor = actor
        self.contact: ContactView | None = None
        self.consent_summary: ConsentSummary | None = None
        self.company_id: int | None = None
        self.save_task: BackgroundTask | None = None
        self.phones: list[PhoneRow] = []

        self.full_name = QLineEdit()
        self.full_name.textChanged.connect(self._edited)
        self.name_error = field_error_label()
        self.role = QComboBox()
        self.role.currentIndexChanged.connect(self._edited)
        self.position = QLineEdit()
        self.position.textChanged.connect(self._edited)
        self.email = QLineEdit()
        self.email.setObjectName("contactEmail")
        self.email.textChanged.connect(self._email_edited)
        self.email_error = field_error_label()
        self._phones_box = QVBoxLayout()
        self.add_phone_button = QPushButton()
        self.add_phone_button.clicked.connect(lambda: self.add_phone(""))
        self.personal_data = QCheckBox()
        self.personal_data.toggled.connect(self._edited)
        self.reminders = QCheckBox()
        self.reminders.toggled.connect(self._edited)
        self.channel = QComboBox()
        self.consent_status = QLabel()
        self.consent_status.setWordWrap(True)
        self.consent_status.setStyleSheet("color: #5f6368;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)

        self._captions = [QLabel() for _ in range(7)]
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow column
        name_box = QVBoxLayout()
        name_box.addWidget(self.full_name)
        name_box.addWidget(self.name_error)
        form.addRow(self._captions[0], name_box)
        form.addRow(self._captions[1], self.role)
        form.addRow(self._captions[2], self.position)
        phones_box = QVBoxLayout()
        phones_box.addLayout(self._phones_box)
        phones_box.addWidget(self.add_phone_button)
        form.addRow(self._captions[3], phones_box)
        email_box = QVBoxLayout()
        email_box.addWidget(self.email)
        email_box.addWidget(self.email_error)
        form.addRow(self._captions[4], email_box)
        consent_box = QVBoxLayout()
        consent_box.addWidget(self.personal_data)
        consent_box.addWidget(self.reminders)
        consent_box.addWidget(self.consent_status)
        form.addRow(self._captions[5], consent_box)
        form.addRow(self._captions[6], self.channel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.retranslate()

    # --- loading --------------------------------------------------------------------------

    def load(self, contact: ContactView | None, consents: ConsentSummary | None) -> None:
        self.contact = contact
        self.consent_summary = consents
        self.company_id = contact.company_id if contact is not None else None
        widgets: list[QWidget] = [self.full_name, self.role, self.position, self.email]
        widgets += [self.personal_data, self.reminders]
        for widget in widgets:
            widget.blockSignals(True)
        self.full_name.setText(contact.full_name if contact else "")
        self.role.setCurrentIndex(
            max(self.role.findData(contact.role.value if contact and contact.role else None), 0)
        )
        self.position.setText((contact.position or "") if contact else "")
        self.email.setText((contact.email or "") if contact else "")
        self.personal_data.setChecked(bool(consents and consents.personal_data.granted))
        self.reminders.setChecked(bool(consents and consents.reminders.granted))
        for widget in widgets:
            widget.blockSignals(False)
        for row in self.phones:
            row.widget.deleteLater()
        self.phones = []
        for phone in contact.phones if contact else ():
            self.add_phone(phone.e164, verified=phone.verified)
        if not self.phones:
            self.add_phone("")
        show_field_error(self.name_error, None)
        show_field_error(self.email_error, None)
        self.message.clear()
        self.setEnabled(contact is not None)
        self._show_consent_status()

    def set_company(self, company_id: int | None) -> None:
        """The client's company changed on the company card."""
        self.company_id = company_id

    def add_phone(self, text: str, *, verified: bool = False) -> PhoneRow:
        widget = QWidget()
        box = QVBoxLayout(widget)
        box.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        edit = QLineEdit(text)
        check = QCheckBox(self.tr("Verified"))
        check.setChecked(verified)
        line.addWidget(edit, 1)
        line.addWidget(check)
        box.addLayout(line)
        error = field_error_label()
        box.addWidget(error)
        row = PhoneRow(widget, edit, check, error)
        edit.textChanged.connect(lambda _t, r=row: self._phone_edited(r))
        check.toggled.connect(self._edited)
        self._phones_box.addWidget(widget)
        self.phones.append(row)
        return row

    def _show_consent_status(self) -> None:
        summary = self.consent_summary
        parts = []
        for state, name in (
            (summary.personal_data if summary else None, self.tr("Personal data")),
            (summary.reminders if summary else None, self.tr("Reminders")),
        ):
            latest = state.latest if state is not None else None
            if latest is None:
                parts.append(self.tr("{kind}: never asked").format(kind=name))
                continue
            how = self.tr("given") if latest.granted else self.tr("withdrawn")
            parts.append(
                self.tr("{kind}: {how} {when}, {who}, {channel}").format(
                    kind=name,
                    how=how,
                    when=latest.taken_at.astimezone().strftime("%d.%m.%Y %H:%M"),
                    who=latest.taken_by_name or "—",
                    channel=channel_name(latest.channel) if latest.channel else "—",
                )
            )
        self.consent_status.setText("\n".join(parts))

    # --- checking as typed ----------------------------------------------------------------

    def _edited(self) -> None:
        if self.full_name.text().strip():
            show_field_error(self.name_error, None)
        self.changed.emit()

    def _email_edited(self) -> None:
        self.changed.emit()
        text = self.email.text()
        if not text.strip():
            show_field_error(self.email_error, None)
            return
        try:
            validate_email(text)
        except EmailError as error:
            show_field_error(self.email_error, email_problem_text(error.problem.value))
            return
        show_field_error(self.email_error, None)

    def _phone_edited(self, row: PhoneRow) -> None:
        self.changed.emit()
        text = row.text.text()
        if not text.strip():
            show_field_error(row.error, None)
            return
        try:
            validate_phone(text)
        except PhoneError as error:
            show_field_error(row.error, phone_problem_text(error.problem.value))
            return
        show_field_error(row.error, None)

    # --- saving ---------------------------------------------------------------------------

    def consents_heard(self) -> tuple[ConsentGiven, ...]:
        """The grants and withdrawals that differ from what is recorded."""
        summary = self.consent_summary
        channel = ConsentChannel(self.channel.currentData())
        heard: list[ConsentGiven] = []
        for kind, box in (
            (ConsentKind.PERSONAL_DATA, self.personal_data),
            (ConsentKind.REMINDERS, self.reminders),
        ):
            state = summary.of(kind) if summary is not None else None
            recorded = state.granted if state is not None else False
            asked = state is not None and state.latest is not None
            if box.isChecked() != recorded and (box.isChecked() or asked):
                heard.append(ConsentGiven(kind, box.isChecked(), channel))
        return tuple(heard)

    def form_input(self) -> ContactInput:
        role = self.role.currentData()
        return ContactInput(
            full_name=self.full_name.text(),
            role=ContactRole(role) if role else None,
            position=self.position.text(),
            email=self.email.text(),
            phones=tuple(
                PhoneInput(row.text.text(), row.verified.isChecked())
                for row in self.phones
                if row.text.text().strip()
            ),
            company_id=self.company_id,
            comment=self.contact.comment if self.contact is not None else None,
            contact_id=self.contact.contact_id if self.contact is not None else None,
            consents=self.consents_heard(),
        )

    def save(self) -> None:
        if self.save_task is not None or self.contact is None:
            return
        data = self.form_input()
        contacts, consents, actor = self.contacts, self.consents, self.actor

        def work(_context: TaskContext) -> SavedContact:
            view = contacts.save_contact(actor, data)
            return SavedContact(view, consents.current(view.contact_id))

        task = BackgroundTask(work, parent=self)
        task.succeeded.connect(self._saved)
        task.failed.connect(self._save_failed)
        self.save_task = task
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving the contact…"))
        task.start()

    def _saved(self, result: SavedContact) -> None:
        self.save_task = None
        self.save_button.setEnabled(True)
        self.load(result.contact, result.consents)
        self.message.setText(self.tr("The contact was saved."))
        self.saved.emit(result.contact)

    def _save_failed(self, error: BaseException) -> None:
        self.save_task = None
        self.save_button.setEnabled(True)
        if isinstance(error, InvalidFields):
            typed = [row for row in self.phones if row.text.text().strip()]
            for issue in error.issues:
                if issue.field == "full_name":
                    show_field_error(self.name_error, self.tr("Enter the contact's name."))
                elif issue.field == "email":
                    show_field_error(self.email_error, email_problem_text(issue.problem))
                elif issue.field.startswith("phones["):
                    index = int(issue.field[len("phones[") : -1])
                    if index < len(typed):
                        show_field_error(typed[index].error, phone_problem_text(issue.problem))
                else:
                    self.message.setText(str(issue.message))
                    return
            self.message.setText(self.tr("Correct the fields marked in red; nothing was saved."))
            return
        if is_connection_error(error):
            self.message.setText(self.tr("No connection to the database. Try again."))
            return
        if isinstance(error, OperatorAppError):
            self.message.setText(str(error))
            return
        raise error

    # --- texts ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setTitle(self.tr("Contact"))
        captions = [
            self.tr("Name:"),
            self.tr("Role:"),
            self.tr("Position:"),
            self.tr("Phones:"),
            self.tr("E-mail:"),
            self.tr("Consent:"),
            self.tr("Consent channel:"),
        ]
        for label, text in zip(self._captions, captions, strict=True):
            label.setText(text)
        self.add_phone_button.setText(self.tr("Add phone"))
        self.personal_data.setText(self.tr("Consents to personal data processing"))
        self.reminders.setText(self.tr("Consents to reminder messages"))
        self.save_button.setText(self.tr("Save contact"))
        for combo, items in (
            (self.role, [(None, "—")] + [(r.value, role_name(r)) for r in ContactRole]),
            (self.channel, [(c.value, channel_name(c)) for c in ConsentChannel]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for data, text in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)
        for row in self.phones:
            row.verified.setText(self.tr("Verified"))
        self._show_consent_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
