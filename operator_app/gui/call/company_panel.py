"""The company card of the call: name and INN, checked as typed.

An INN that already belongs to a company shows that company, its contacts and who is working
it, so two operators never chase the same company without knowing it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.companies import (
    CompanyInput,
    CompanyOverview,
    CompanyService,
    CompanyView,
    InnTaken,
)
from operator_app.core.company_ids import InnError, InnProblem, normalize_inn
from operator_app.core.contacts import InvalidFields
from operator_app.core.errors import OperatorAppError
from operator_app.core.roles import Actor
from operator_app.gui.call.contact_labels import role_name
from operator_app.gui.tasks import BackgroundTask, TaskContext
from operator_app.gui.widgets.field_error import field_error_label, show_field_error
from operator_app.storage.repositories.call_queries import is_connection_error

__all__ = ["CompanyPanel", "inn_problem_text"]


def inn_problem_text(problem: str) -> str:
    """What is wrong with the typed INN, by the core's problem code."""
    translate = QCoreApplication.translate
    texts = {
        InnProblem.EMPTY.value: translate("CompanyPanel", "Enter the company's INN."),
        InnProblem.FORMAT.value: translate(
            "CompanyPanel", "An INN has 10 digits (company) or 12 digits (individual)."
        ),
        InnProblem.CHECKSUM.value: translate(
            "CompanyPanel", "The check digits do not match: probably a typo."
        ),
        "required": translate(
            "CompanyPanel", "A B2B campaign needs the company's INN to save the card."
        ),
        "taken": translate("CompanyPanel", "This INN already belongs to another company."),
    }
    return texts.get(problem) or translate("CompanyPanel", "This INN is not valid.")


class CompanyPanel(QGroupBox):
    saved = Signal(object)  # the saved CompanyView
    changed = Signal()

    def __init__(self, service: CompanyService, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("companyPanel")
        self.service = service
        self.actor = actor
        self.company_id: int | None = None
        self.own_inn: str | None = None
        self.campaign_id: int | None = None
        self.b2b = False
        self.found: CompanyOverview | None = None
        self.lookup_task: BackgroundTask | None = None
        self.save_task: BackgroundTask | None = None
        self._looked_up: str | None = None

        self.name = QLineEdit()
        self.name.textChanged.connect(self._name_edited)
        self.name_error = field_error_label()
        self.inn = QLineEdit()
        self.inn.setObjectName("companyInn")
        self.inn.textChanged.connect(self._inn_edited)
        self.inn_error = field_error_label()
        self.found_box = QLabel()
        self.found_box.setObjectName("companyFound")
        self.found_box.setWordWrap(True)
        self.found_box.setStyleSheet(
            "background: #fef7e0; border-left: 4px solid #f9ab00; padding: 6px;"
        )
        self.found_box.setVisible(False)
        self.use_found_button = QPushButton()
        self.use_found_button.setVisible(False)
        self.use_found_button.clicked.connect(self.use_found)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)

        self._name_caption = QLabel()
        self._inn_caption = QLabel()
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow column
        name_box = QVBoxLayout()
        name_box.addWidget(self.name)
        name_box.addWidget(self.name_error)
        form.addRow(self._name_caption, name_box)
        inn_box = QVBoxLayout()
        inn_box.addWidget(self.inn)
        inn_box.addWidget(self.inn_error)
        form.addRow(self._inn_caption, inn_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_found_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.found_box)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.retranslate()

    # --- loading --------------------------------------------------------------------------

    def load(self, company: CompanyView | None, campaign_id: int | None, b2b: bool) -> None:
        self.campaign_id = campaign_id
        self.b2b = b2b
        self._fill(company)
        self.message.clear()
        self.retranslate()

    def _fill(self, company: CompanyView | None) -> None:
        self.company_id = company.company_id if company is not None else None
        self.own_inn = company.inn if company is not None else None
        self._looked_up = self.own_inn
        self._show_found(None)
        for editor, text in ((self.name, company.name if company else ""),
                             (self.inn, (company.inn or "") if company else "")):  # fmt: skip
            editor.blockSignals(True)
            editor.setText(text)
            editor.blockSignals(False)
        show_field_error(self.name_error, None)
        show_field_error(self.inn_error, None)

    # --- the INN as typed -----------------------------------------------------------------

    def _name_edited(self) -> None:
        if self.name.text().strip():
            show_field_error(self.name_error, None)
        self.changed.emit()

    def _inn_edited(self) -> None:
        self.changed.emit()
        text = self.inn.text()
        if not text.strip():
            show_field_error(self.inn_error, None)
            self._show_found(None)
            return
        try:
            inn = normalize_inn(text)
        except InnError as error:
            show_field_error(self.inn_error, inn_problem_text(error.problem.value))
            self._show_found(None)
            return
        show_field_error(self.inn_error, None)
        if inn != self.own_inn and inn != self._looked_up:
            self.look_up(inn)

    def look_up(self, inn: str) -> None:
        """Find the company with this INN in the background; a newer INN wins."""
        self._looked_up = inn
        service, actor = self.service, self.actor

        def work(_context: TaskContext) -> tuple[str, CompanyOverview | None]:
            return inn, service.find_by_inn(actor, inn)

        task = BackgroundTask(work, parent=self)
        task.succeeded.connect(self._looked_up_result)
        task.failed.connect(self._failed)
        task.finished.connect(lambda: self._lookup_done(task))
        self.lookup_task = task
        task.start()

    def _lookup_done(self, task: BackgroundTask) -> None:
        if self.lookup_task is task:
            self.lookup_task = None

    def _looked_up_result(self, result: tuple[str, CompanyOverview | None]) -> None:
        inn, overview = result
        if inn != self._looked_up:
            return  # the operator typed on meanwhile
        if overview is not None and overview.company.company_id == self.company_id:
            overview = None
        self._show_found(overview)

    def _show_found(self, overview: CompanyOverview | None) -> None:
        self.found = overview
        self.found_box.setVisible(overview is not None)
        self.use_found_button.setVisible(overview is not None)
        if overview is not None:
            self.found_box.setText(self._describe(overview))

    def _describe(self, overview: CompanyOverview) -> str:
        company = overview.company
        lines = [
            self.tr("This INN belongs to {name} (INN {inn}).").format(
                name=company.name, inn=company.inn or "—"
            )
        ]
        if overview.contacts:
            people = ", ".join(
                f"{contact.full_name} ({role_name(contact.role)})"
                if contact.role is not None
                else contact.full_name
                for contact in overview.contacts
            )
            lines.append(self.tr("Contacts: {people}").format(people=people))
        working = [item for item in overview.work if item.claimed_by_name is not None]
        for item in working:
            lines.append(
                self.tr("{operator} is working it now ({campaign}).").format(
                    operator=item.claimed_by_name, campaign=item.campaign_name or "—"
                )
            )
        owners = {item.owner_name for item in overview.work if item.owner_name is not None}
        if owners:
            lines.append(self.tr("Lead owners: {names}").format(names=", ".join(sorted(owners))))
        if not working:
            lines.append(self.tr("Nobody is calling this company right now."))
        return "\n".join(lines)

    def use_found(self) -> None:
        """Take the found company as the client's company."""
        found = self.found
        if found is None:
            return
        self._fill(found.company)
        self.message.setText(
            self.tr("The client's company is now {name}.").format(name=found.company.name)
        )
        self.saved.emit(found.company)

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        if self.save_task is not None:
            return
        problems = False
        if not self.name.text().strip():
            show_field_error(self.name_error, self.tr("Enter the company's name."))
            problems = True
        if not self.inn.text().strip() and self.b2b:
            show_field_error(self.inn_error, inn_problem_text("required"))
            problems = True
        if problems or self.inn_error.text():
            self.message.setText(self.tr("Correct the fields marked in red first."))
            return
        data = CompanyInput(
            name=self.name.text(), inn=self.inn.text() or None, company_id=self.company_id
        )
        service, actor, campaign_id = self.service, self.actor, self.campaign_id

        def work(_context: TaskContext) -> CompanyView:
            return service.save_company(actor, data, campaign_id)

        task = BackgroundTask(work, parent=self)
        task.succeeded.connect(self._saved)
        task.failed.connect(self._save_failed)
        self.save_task = task
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving the company…"))
        task.start()

    def _saved(self, view: CompanyView) -> None:
        self.save_task = None
        self.save_button.setEnabled(True)
        self._fill(view)
        self.message.setText(self.tr("The company was saved."))
        self.saved.emit(view)

    def _save_failed(self, error: BaseException) -> None:
        self.save_task = None
        self.save_button.setEnabled(True)
        self.message.clear()
        if isinstance(error, InnTaken):
            show_field_error(self.inn_error, inn_problem_text("taken"))
            self.look_up(error.inn)
            return
        if isinstance(error, InvalidFields):
            for issue in error.issues:
                if issue.field == "inn":
                    show_field_error(self.inn_error, inn_problem_text(issue.problem))
                elif issue.field == "name":
                    show_field_error(self.name_error, self.tr("Enter the company's name."))
            self.message.setText(self.tr("Correct the fields marked in red first."))
            return
        self._failed(error)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, InvalidFields):
            return  # an INN lookup of text that changed meanwhile
        if is_connection_error(error):
            self.message.setText(self.tr("No connection to the database. Try again."))
            return
        if isinstance(error, OperatorAppError):
            self.message.setText(str(error))
            return
        raise error

    # --- texts ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setTitle(self.tr("Company"))
        self._name_caption.setText(self.tr("Name:"))
        self._inn_caption.setText(self.tr("INN *:") if self.b2b else self.tr("INN:"))
        self.inn.setPlaceholderText(self.tr("10 or 12 digits"))
        self.use_found_button.setText(self.tr("Use this company"))
        self.save_button.setText(self.tr("Save company"))
        if self.found is not None:
            self.found_box.setText(self._describe(self.found))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
