"""The lead-list import wizard: file → column mapping → list details → import → result."""

from __future__ import annotations

import logging
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QWidget, QWizard

from operator_app.core.campaigns import campaign_summaries
from operator_app.core.column_mapping import ColumnMapping, MappingError
from operator_app.core.errors import OperatorAppError, PermissionDenied, ValidationFailed
from operator_app.core.importing.service import import_list, save_mapping, saved_mapping
from operator_app.core.importing.types import ImportCancelled
from operator_app.core.roles import Actor
from operator_app.core.settings import AppSettings
from operator_app.core.tabular import TableError
from operator_app.gui.error_text import error_text
from operator_app.gui.importing.details_page import DetailsPage
from operator_app.gui.importing.file_page import FilePage
from operator_app.gui.importing.mapping_page import MappingPage
from operator_app.gui.importing.result_page import ImportOutcome, ResultPage
from operator_app.gui.importing.run_page import RunPage
from operator_app.gui.importing.texts import quoted, table_error_text
from operator_app.gui.tasks import BackgroundTask, TaskContext
from operator_app.gui.window_state import ui_state
from operator_app.storage.database import Database

log = logging.getLogger(__name__)

_GEOMETRY_KEY = "import_wizard/geometry"


class PageId(IntEnum):
    FILE = 0
    MAPPING = 1
    DETAILS = 2
    RUN = 3
    RESULT = 4


class ImportWizard(QWizard):
    """Imports one lead list. `imported(list_id)` is emitted as soon as the list is saved."""

    imported = Signal(int)

    def __init__(
        self,
        database: Database,
        actor: Actor,
        settings: AppSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._actor = actor

        self.file_page = FilePage()
        self.mapping_page = MappingPage(self.file_page.loaded, self._find_saved_mapping)
        self.details_page = DetailsPage(
            self._campaign_names, settings.default_region, self._suggested_list_name
        )
        self.run_page = RunPage(self._make_import_task)
        self.result_page = ResultPage()
        self.setPage(PageId.FILE, self.file_page)
        self.setPage(PageId.MAPPING, self.mapping_page)
        self.setPage(PageId.DETAILS, self.details_page)
        self.setPage(PageId.RUN, self.run_page)
        self.setPage(PageId.RESULT, self.result_page)
        self.details_page.setCommitPage(True)  # no Back onto a running import

        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setAcceptDrops(True)
        self.setMinimumSize(760, 560)
        self._restore_geometry()

        self.run_page.succeeded.connect(self._import_succeeded)
        self.run_page.failed.connect(self._import_failed)
        self.run_page.retry_requested.connect(self.back_to_details)
        self._retranslate()

    # --- public -----------------------------------------------------------------------------

    def open_file(self, path: Path) -> None:
        """Read `path` on the file step, as if chosen in the file dialog."""
        self.file_page.open_file(Path(path))

    @Slot()
    def back_to_details(self) -> None:
        """After a cancelled or failed import: back to the details, everything kept."""
        if self.run_page.is_busy():
            return
        # A commit page forbids Back, so replay the steps; each page keeps what it holds.
        self.restart()
        while self.currentId() != PageId.DETAILS:
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                break  # a step is no longer valid: stay there, it says why

    # --- QDialog ----------------------------------------------------------------------------

    def reject(self) -> None:
        # Esc or Cancel while importing cancels the import; the wizard then says what happened.
        if self.run_page.is_busy():
            self.run_page.cancel()
            return
        self._save_geometry()
        super().reject()

    def accept(self) -> None:
        self._save_geometry()
        super().accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.run_page.is_busy():
            event.ignore()
            self.run_page.cancel()
            return
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- drag and drop ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_file(path)

    def _dropped_file(self, event: QDropEvent) -> Path | None:
        if self.currentId() != PageId.FILE:
            return None  # a file dropped later would silently discard the mapping and details
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        return Path(urls[0].toLocalFile())

    # --- services the pages need ------------------------------------------------------------

    # Both look-ups only offer conveniences: when the database cannot answer them, the wizard
    # goes on without (the import itself then reports the database's problem).

    def _find_saved_mapping(self, source: str) -> ColumnMapping | None:
        try:
            return saved_mapping(self._database, source)
        except MappingError:
            raise  # the mapping page says the saved one is damaged
        except Exception:
            log.warning("could not look up the mapping saved for %r", source, exc_info=True)
            return None

    def _campaign_names(self) -> list[str]:
        try:
            return [campaign.name for campaign in campaign_summaries(self._database, self._actor)]
        except PermissionDenied:
            return []  # the list can be put into a campaign later by someone who may see them
        except Exception:
            log.warning("could not list the campaigns", exc_info=True)
            return []

    def _suggested_list_name(self) -> str:
        loaded = self.file_page.loaded()
        return loaded.info.path.stem if loaded is not None else ""

    # --- the import -------------------------------------------------------------------------

    def _make_import_task(self) -> BackgroundTask:
        loaded = self.file_page.loaded()
        assert loaded is not None
        choice = self.mapping_page.choice()
        options = self.details_page.options(choice.source)
        database, actor, table = self._database, self._actor, loaded.table

        def run_import(context: TaskContext) -> ImportOutcome:
            report = import_list(
                database,
                actor,
                table,
                choice.mapping,
                options,
                progress=context.report_progress,
                cancelled=context.is_cancelled,
            )
            if not choice.save_for_source:
                return ImportOutcome(report, table.info, options.list_name)
            # Saved only after the import went through: a cancelled import leaves no trace.
            try:
                save_mapping(database, actor, choice.source, choice.mapping)
            except OperatorAppError as error:
                return ImportOutcome(
                    report, table.info, options.list_name, mapping_save_error=str(error)
                )
            return ImportOutcome(report, table.info, options.list_name, choice.source)

        return BackgroundTask(run_import, cancel_errors=(ImportCancelled,), parent=self)

    @Slot(object)
    def _import_succeeded(self, result: object) -> None:
        assert isinstance(result, ImportOutcome)
        self.result_page.set_outcome(result)
        if result.report.list_id is not None:
            self.imported.emit(result.report.list_id)
        self.next()

    @Slot(object)
    def _import_failed(self, error: object) -> None:
        assert isinstance(error, BaseException)
        if isinstance(error, ValidationFailed) and error.field == "list_name":
            self.back_to_details()
            self.details_page.show_name_error(self._list_name_problem(error))
            return
        if not isinstance(error, OperatorAppError | TableError):
            log.error("the import failed unexpectedly", exc_info=error)
        self.run_page.show_failure(self._failure_text(error))

    def _list_name_problem(self, error: ValidationFailed) -> str:
        if error.problem == "exists":
            return self.tr("A list with this name already exists: choose another name.")
        if error.problem == "too_long":
            return self.tr("The name is too long.")
        return self.tr("Enter a name for the list.")

    def _failure_text(self, error: BaseException) -> str:
        if isinstance(error, TableError):
            return table_error_text(error)
        if isinstance(error, MappingError):
            return self.tr("The column mapping does not fit the file: {reason}").format(
                reason=str(error)
            )
        if isinstance(error, ValidationFailed):
            if error.field == "campaign":
                return self.tr("The campaign {name} no longer exists: choose another one.").format(
                    name=quoted(self.details_page.options(None).campaign_name or "")
                )
            if error.field == "default_region":
                return self.tr("The phone region is not a known country code.")
            return error_text(error)
        if isinstance(error, OperatorAppError):
            return error_text(error)
        return self.tr(
            "An unexpected error stopped the import ({error}). Nothing was saved; the details "
            "are in the log."
        ).format(error=str(error) or type(error).__name__)

    # --- window -----------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Import a lead list"))

    def _restore_geometry(self) -> None:
        geometry = ui_state().value(_GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(960, 680)

    def _save_geometry(self) -> None:
        ui_state().setValue(_GEOMETRY_KEY, self.saveGeometry())
