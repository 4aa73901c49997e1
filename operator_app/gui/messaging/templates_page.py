"""Message templates: pick a message, language and channel, edit its subject and text with
the placeholders at hand, see it filled with sample values, save it or go back to the
shipped text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging import MessageText, TemplateService, TemplateView
from operator_app.core.messaging.render import (
    PLACEHOLDERS,
    format_visit_date,
    format_visit_time,
    render_text,
)
from operator_app.core.roles import Permission
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.messaging.splitter_memory import SplitterMemory
from operator_app.gui.messaging.template_model import TemplateTableModel
from operator_app.gui.messaging.texts import (
    channel_label,
    field_problem_text,
    language_label,
    placeholder_label,
    template_label,
    template_problem_text,
)
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.field_error import field_error_label, show_field_error
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export

_SAMPLE_VISIT = dt.datetime(2026, 11, 25, 14, 30)
# Sample values are in the template's language, not the interface's: they show the client's
# view of the message.
SAMPLE_VALUES = {
    "ru": {
        "client_name": "Анна",
        "visit_date": format_visit_date(_SAMPLE_VISIT.date(), "ru"),
        "visit_time": format_visit_time(_SAMPLE_VISIT),
        "office_name": "Офис на Тверской",
        "office_address": "Москва, Тверская ул., 1",
        "directions": "Выход 3 из метро «Пушкинская», 200 м прямо",
        "office_phone": "+7 495 123-45-67",
        "resource_name": "Ольга Иванова",
        "company_name": "Ясный кредит",
    },
    "en": {
        "client_name": "Anna",
        "visit_date": format_visit_date(_SAMPLE_VISIT.date(), "en"),
        "visit_time": format_visit_time(_SAMPLE_VISIT),
        "office_name": "Tverskaya office",
        "office_address": "1 Tverskaya St, Moscow",
        "directions": "Exit 3 of Pushkinskaya metro station, 200 m straight on",
        "office_phone": "+7 495 123-45-67",
        "resource_name": "Olga Ivanova",
        "company_name": "Clear Credit",
    },
}
_SUBJECT_CHANNELS = ("email", "manual")
# A new key: widths saved by the earlier, narrower list could hide the message names.
TABLE_KEY = "messaging_templates"
LIST_WIDTH = 560


def list_share(width: int) -> list[int]:
    """The list wide enough for message, language, channel and where the text comes from."""
    table = min(LIST_WIDTH, width // 2)
    return [table, width - table]


class TemplatesPage(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templatesPage")
        self._context = context
        self._service = TemplateService(context.database)
        self._load_task: BackgroundTask | None = None
        self._save_task: BackgroundTask | None = None
        self._current: TemplateView | None = None
        self._select_after_load: tuple[str, str, str] | None = None
        # What the editors held when the template was shown: anything else is unsaved work.
        self._shown_texts: tuple[str | None, str] = (None, "")
        self._move_after_save: tuple[str, str, str] | None = None
        self._restoring = False
        # Replaced by tests: the question asked before leaving unsaved edits.
        self.ask_unsaved: Callable[[], QMessageBox.StandardButton] = self._ask_unsaved

        self._title = page_title()
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.model = TemplateTableModel(self)
        self.table: DataTable[TemplateView] = DataTable(self.model, TABLE_KEY)
        install_table_export(self.table, lambda: self.tr("Message templates"))
        self.filter.textChanged.connect(self.table.set_filter_text)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.table, 1)

        self.heading = QLabel()
        self.heading.setObjectName("templateHeading")
        self.subject = QLineEdit()
        self.subject.setObjectName("templateSubject")
        self.subject_error = field_error_label()
        self.body = QPlainTextEdit()
        self.body.setObjectName("templateBody")
        self.body.setTabChangesFocus(True)
        self.body_error = field_error_label()
        self._insert_target: QLineEdit | QPlainTextEdit = self.body
        for editor in (self.subject, self.body):
            editor.installEventFilter(self)
        self.subject.textChanged.connect(self._update_preview)
        self.body.textChanged.connect(self._update_preview)

        self.placeholders = QListWidget()
        self.placeholders.setObjectName("placeholderList")
        for name in PLACEHOLDERS:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.placeholders.addItem(item)
        self.placeholders.itemClicked.connect(self._placeholder_chosen)
        self.placeholders.itemActivated.connect(self._placeholder_chosen)
        self._placeholders_label = QLabel()
        self._placeholders_label.setBuddy(self.placeholders)

        self.preview = QTextBrowser()
        self.preview.setObjectName("templatePreview")
        self._preview_label = QLabel()
        self._preview_label.setBuddy(self.preview)

        self.save_button = QPushButton()
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_to_shipped)
        self.notice = QLabel()
        self.error = InlineError()

        form = QFormLayout()
        self._subject_label = QLabel()
        self._subject_label.setBuddy(self.subject)
        subject_cell = QVBoxLayout()
        subject_cell.addWidget(self.subject)
        subject_cell.addWidget(self.subject_error)
        form.addRow(self._subject_label, subject_cell)
        self._body_label = QLabel()
        self._body_label.setBuddy(self.body)
        body_cell = QVBoxLayout()
        body_cell.addWidget(self.body, 1)
        body_cell.addWidget(self.body_error)
        form.addRow(self._body_label, body_cell)
        helpers = QHBoxLayout()
        places = QVBoxLayout()
        places.addWidget(self._placeholders_label)
        places.addWidget(self.placeholders)
        previews = QVBoxLayout()
        previews.addWidget(self._preview_label)
        previews.addWidget(self.preview)
        helpers.addLayout(places, 2)
        helpers.addLayout(previews, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addLayout(form, 3)
        right_layout.addLayout(helpers, 2)
        right_layout.addWidget(self.error)
        right_layout.addLayout(buttons)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.split = split
        self.split_memory = SplitterMemory(split, TABLE_KEY, list_share)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(split, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Message templates"))
        self.filter.setPlaceholderText(self.tr("Filter by message, language or channel"))
        self._subject_label.setText(self.tr("&Subject:"))
        self._body_label.setText(self.tr("&Text:"))
        self._placeholders_label.setText(self.tr("&Placeholders (click to insert):"))
        self._preview_label.setText(self.tr("Preview with sample values:"))
        for row in range(self.placeholders.count()):
            item = self.placeholders.item(row)
            name = str(item.data(Qt.ItemDataRole.UserRole))
            item.setText("{" + name + "} — " + placeholder_label(name))
        self.save_button.setText(self.tr("Save"))
        self.save_button.setToolTip(self.tr("Save this text (Ctrl+S)"))
        self.reset_button.setText(self.tr("Reset to shipped"))
        self.reset_button.setToolTip(
            self.tr("Drop your edits and use the text shipped with the app")
        )
        self.model.retranslate()
        self._show_selected()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in (self.subject, self.body):
            self._insert_target = self.subject if watched is self.subject else self.body
        return super().eventFilter(watched, event)

    # --- loading ------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._load_task is not None or self._save_task is not None

    def refresh(self) -> None:
        if self._load_task is not None:
            return
        self._load_task = run_in_background(
            self, self._service.templates, self._loaded, self._load_failed
        )

    def _loaded(self, views: Any) -> None:
        self._load_task = None
        self.error.clear_error()
        current = self._select_after_load or (_key(self._current) if self._current else None)
        self._select_after_load = None
        self._move_after_save = None
        self._current = None  # shown again below, from the fresh rows
        self.model.set_rows(list(views))
        self.table.fit_columns()
        if current is None or not self.table.select_where(lambda row: _key(row) == current):
            self.table.selectRow(0)
        self._show_selected()

    def _load_failed(self, error: BaseException) -> None:
        self._load_task = None
        self.error.show_error(
            self.tr("The templates could not be loaded. {reason}").format(
                reason=failure_text(error)
            )
        )

    # --- the selected template ----------------------------------------------------------------

    def selected(self) -> TemplateView | None:
        return self.table.selected_row()

    def select(self, code: str, language: str, channel: str) -> bool:
        return self.table.select_where(lambda row: _key(row) == (code, language, channel))

    def has_unsaved_edits(self) -> bool:
        return self._current is not None and self._texts() != self._shown_texts

    def _selection_changed(self) -> None:
        if self._restoring:
            return
        view, shown = self.selected(), self._current
        leaving = shown is not None and (view is None or _key(view) != _key(shown))
        if shown is not None and leaving and self.has_unsaved_edits():
            if view is None:
                return  # nothing else to show (filtered out): keep the edits on screen
            answer = self.ask_unsaved()
            if answer != QMessageBox.StandardButton.Discard:
                self._restore_selection(shown)
                if answer == QMessageBox.StandardButton.Save:
                    self._move_after_save = _key(view)
                    self.save()
                return
        self._show_selected()

    def _restore_selection(self, view: TemplateView) -> None:
        self._restoring = True
        try:
            self.select(*_key(view))
        finally:
            self._restoring = False

    def _ask_unsaved(self) -> QMessageBox.StandardButton:
        view = self._current
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved changes"),
            self.tr("The text of “{message}” has unsaved changes. Save them?").format(
                message=template_label(view.code) if view is not None else ""
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        return QMessageBox.StandardButton(box.exec())

    def _show_selected(self) -> None:
        view = self.selected()
        if view is not None and self._current is not None and _key(view) == _key(self._current):
            self._update_buttons()
            return  # the same template: keep what is being typed
        self._current = view
        show_field_error(self.subject_error, None)
        show_field_error(self.body_error, None)
        if view is None:
            self.heading.setText(self.tr("Choose a message to edit its text."))
            self.subject.clear()
            self.body.clear()
        else:
            self.heading.setText(
                self.tr("{message} · {language} · {channel}").format(
                    message=template_label(view.code),
                    language=language_label(view.language),
                    channel=channel_label(view.channel),
                )
            )
            self.subject.setText(view.subject or "")
            self.body.setPlainText(view.body)
        self._update_buttons()  # first: whether the subject counts depends on the channel
        self._shown_texts = self._texts()
        self._update_preview()

    def _update_buttons(self) -> None:
        view = self._current
        may_edit = self._context.actor.can(Permission.EDIT_SCRIPTS) and self._save_task is None
        self.subject.setEnabled(view is not None and view.channel in _SUBJECT_CHANNELS)
        self.body.setEnabled(view is not None)
        self.body.setReadOnly(not may_edit)
        self.subject.setReadOnly(not may_edit)
        self.placeholders.setEnabled(view is not None and may_edit)
        self.save_button.setEnabled(view is not None and may_edit)
        self.reset_button.setEnabled(view is not None and may_edit and view.edited)

    def _placeholder_chosen(self, item: QListWidgetItem) -> None:
        name = str(item.data(Qt.ItemDataRole.UserRole))
        target = self._insert_target
        if not target.isEnabled():
            target = self.body
        text = "{" + name + "}"
        if isinstance(target, QPlainTextEdit):
            target.insertPlainText(text)
        else:
            target.insert(text)
        target.setFocus()

    def _texts(self) -> tuple[str | None, str]:
        subject = self.subject.text() if self.subject.isEnabled() else None
        return subject, self.body.toPlainText()

    def _update_preview(self) -> None:
        view = self._current
        if view is None:
            self.preview.clear()
            return
        subject, body = self._texts()
        subject_problem = template_problem_text(subject) if subject else None
        body_problem = template_problem_text(body)
        show_field_error(self.subject_error, subject_problem)
        show_field_error(self.body_error, body_problem)
        if subject_problem or body_problem:
            self.preview.setPlainText(self.tr("Fix the text to see the preview."))
            return
        values = SAMPLE_VALUES.get(view.language, SAMPLE_VALUES["en"])
        text = MessageText(
            None if not subject else render_text(subject, values), render_text(body, values)
        )
        shown = f"{text.subject}\n\n{text.body}" if text.subject else text.body
        self.preview.setPlainText(shown)

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        view = self._current
        if view is None or self._save_task is not None:
            return
        subject, body = self._texts()
        actor = self._context.actor
        self.notice.clear()
        self.error.clear_error()

        def work() -> TemplateView:
            return self._service.save(
                actor, view.code, view.language, view.channel, subject=subject, body=body
            )

        self._save_task = run_in_background(self, work, self._saved, self._save_failed)
        self._update_buttons()

    def _saved(self, saved: Any) -> None:
        assert isinstance(saved, TemplateView)
        self._save_task = None
        self.notice.setText(self.tr("Saved."))
        self._select_after_load = self._move_after_save or _key(saved)
        self.refresh()

    def _save_failed(self, error: BaseException) -> None:
        self._save_task = None
        self._move_after_save = None  # stay with the text that needs fixing
        self._update_buttons()
        if isinstance(error, ValidationFailed) and error.field in ("subject", "body"):
            editor_label = self.subject_error if error.field == "subject" else self.body_error
            subject, body = self._texts()
            text = (subject or "") if error.field == "subject" else body
            show_field_error(
                editor_label, template_problem_text(text) or self._validation_text(error)
            )
            (self.subject if error.field == "subject" else self.body).setFocus()
            return
        self.error.show_error(failure_text(error))

    def _validation_text(self, error: ValidationFailed) -> str:
        if (error.field, error.problem) == ("subject", "empty"):
            return self.tr("An e-mail needs a subject.")
        if (error.field, error.problem) == ("body", "empty"):
            return self.tr("The message text must not be empty.")
        if (error.field, error.problem) == ("subject", "too_long"):
            return self.tr("The subject is too long.")
        return field_problem_text(error)

    def reset_to_shipped(self) -> None:
        view = self._current
        if view is None or self._save_task is not None:
            return
        actor = self._context.actor
        key = _key(view)

        def done(_result: Any) -> None:
            self._save_task = None
            self.notice.setText(self.tr("The shipped text is used again."))
            self._current = None  # show the shipped text, not what was typed
            self._select_after_load = key
            self.refresh()

        self._save_task = run_in_background(
            self,
            lambda: self._service.reset(actor, *key),
            done,
            self._save_failed,
        )
        self._update_buttons()


def _key(view: TemplateView) -> tuple[str, str, str]:
    return view.code, view.language, view.channel
