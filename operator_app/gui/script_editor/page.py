"""The script editor: a tree of stages, steps and objections, a form for the chosen item, the
problems found as one types, and Publish (Ctrl+S), which stores the script as a new version.

Unsaved work is never dropped silently: another script (or a new one) can be opened only
after publishing or an explicit "Discard changes"; `has_changes()` lets the window ask too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.roles import Permission
from operator_app.core.script_validation import (
    ProblemKind,
    ScriptInvalid,
    ScriptProblem,
    Severity,
    blocking_problems,
    validate_script,
)
from operator_app.core.scripts import (
    ScriptChangedMeanwhile,
    StoredScript,
    latest_scripts,
    latest_version,
    publish_script,
)
from operator_app.core.scripts_format import StageKind
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.labels import stage_label
from operator_app.gui.script_editor.draft import ItemKind, ItemRef, ScriptDraft
from operator_app.gui.script_editor.forms import ObjectionForm, StageForm, StepForm, preview
from operator_app.gui.script_editor.texts import problem_text
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title

_REF_ROLE = Qt.ItemDataRole.UserRole


class ScriptEditorPage(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scriptEditorPage")
        self._context = context
        self._can_edit = context.actor.can(Permission.EDIT_SCRIPTS)
        self._task: BackgroundTask | None = None
        self._draft: ScriptDraft | None = None
        self._loaded_name: str | None = None  # the stored script being edited; None: a new one
        self._version: int | None = None
        self._baseline: dict[str, Any] | None = None
        self._problems: tuple[ScriptProblem, ...] = ()
        self._publish_anyway = False  # set once the user was told of a conflicting version

        self._title = page_title()
        self.script_combo = QComboBox()
        self.script_combo.setObjectName("scriptChoice")
        self.script_combo.setMinimumWidth(280)
        self.script_combo.activated.connect(lambda _index: self._open_chosen())
        self.version = QLabel()
        self.version.setObjectName("scriptVersion")
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_script)
        self.status = QLabel()
        self.status.setObjectName("scriptStatus")
        self.discard_button = QPushButton()
        self.discard_button.clicked.connect(self.discard_changes)
        self.publish_button = QPushButton()
        self.publish_button.setObjectName("publishScriptButton")
        self.publish_button.clicked.connect(self.publish)
        self.publish_action = QAction(self)
        self.publish_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.publish_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.publish_action.triggered.connect(self.publish)
        self.addAction(self.publish_action)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("scriptName")
        self.name_edit.textChanged.connect(self._name_changed)
        self.language_edit = QLineEdit()
        self.language_edit.setMaximumWidth(80)
        self.language_edit.textChanged.connect(self._language_changed)
        self._name_label = QLabel()
        self._name_label.setBuddy(self.name_edit)
        self._language_label = QLabel()
        self._language_label.setBuddy(self.language_edit)
        self.error = InlineError()

        # The tree and its buttons.
        self.tree = QTreeWidget()
        self.tree.setObjectName("scriptTree")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(lambda _current, _previous: self._show_current())
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_item)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button = QPushButton()
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button = QPushButton()
        self.down_button.clicked.connect(lambda: self.move_item(1))
        self.add_stage_button = QToolButton()
        self.add_stage_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._stage_menu = QMenu(self.add_stage_button)
        self._stage_menu.aboutToShow.connect(self._fill_stage_menu)
        self.add_stage_button.setMenu(self._stage_menu)
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_Insert), self.add_item),
            (QKeySequence(Qt.Key.Key_Delete), self.remove_item),
            (QKeySequence("Alt+Up"), lambda: self.move_item(-1)),
            (QKeySequence("Alt+Down"), lambda: self.move_item(1)),
        ):
            shortcut = QShortcut(keys, self.tree)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        tree_buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            tree_buttons.addWidget(button)
        tree_buttons.addWidget(self.add_stage_button)
        tree_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(tree_buttons)

        # The form of the chosen item.
        self.nothing = QLabel()
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing.setWordWrap(True)
        self.stage_form = StageForm()
        self.step_form = StepForm()
        self.step_form.edited.connect(self._edited)
        self.step_form.id_edited.connect(self._step_id_edited)
        self.step_form.go_to_step.connect(self.select_step)
        self.objection_form = ObjectionForm()
        self.objection_form.edited.connect(self._edited)
        self.forms = QStackedWidget()
        for form in (self.nothing, self.stage_form, self.step_form, self.objection_form):
            self.forms.addWidget(form)

        # The problems.
        self.problems_box = QGroupBox()
        self.problems = QListWidget()
        self.problems.setObjectName("scriptProblems")
        self.problems.itemActivated.connect(self._problem_activated)  # Enter or double-click
        problems_layout = QVBoxLayout(self.problems_box)
        problems_layout.addWidget(self.problems)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.forms)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(split)
        vertical.addWidget(self.problems_box)
        vertical.setStretchFactor(0, 4)
        vertical.setStretchFactor(1, 1)

        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addWidget(self.script_combo)
        bar.addWidget(self.version)
        bar.addWidget(self.new_button)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.discard_button)
        bar.addWidget(self.publish_button)
        names = QHBoxLayout()
        names.addWidget(self._name_label)
        names.addWidget(self.name_edit, 1)
        names.addWidget(self._language_label)
        names.addWidget(self.language_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(names)
        layout.addWidget(self.error)
        layout.addWidget(vertical, 1)

        self.retranslate()
        self._update_state()
        self._load_scripts()

    # --- texts --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self._title.setText(self.tr("Call scripts"))
        self.new_button.setText(self.tr("New script"))
        self.discard_button.setText(self.tr("Discard changes"))
        self.discard_button.setToolTip(self.tr("Open the stored version again"))
        self.publish_button.setText(self.tr("Publish"))
        self.publish_button.setToolTip(
            self.tr("Store the script as a new version (Ctrl+S); past calls keep theirs")
        )
        self._name_label.setText(self.tr("Name"))
        self._language_label.setText(self.tr("Language"))
        self.remove_button.setText(self.tr("Remove"))
        self.up_button.setText(self.tr("Move up"))
        self.down_button.setText(self.tr("Move down"))
        self.add_stage_button.setText(self.tr("Add stage"))
        self.nothing.setText(self.tr("Choose a script above, or create a new one."))
        self._show_version()
        if self._draft is not None:
            self._rebuild_tree(self.current_ref())
        self._fill_problems()
        self._update_state()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_version(self) -> None:
        if self._draft is None:
            self.version.clear()
        elif self._version is None:
            self.version.setText(self.tr("new script, not published yet"))
        else:
            self.version.setText(self.tr("version {number}").format(number=self._version))

    def _item_text(self, ref: ItemRef) -> str:
        assert self._draft is not None
        stage = self._draft.stages[ref.stage]
        if ref.kind is ItemKind.STAGE:
            return stage_label(stage.kind)
        if ref.kind is ItemKind.STEP:
            step = self._draft.step(ref)
            spin = f"[{step.spin}] " if step.spin else ""
            text = preview(step.text) or self.tr("(no text)")
            return f"{spin}{step.id or '—'} · {text}"
        objection = self._draft.objection(ref)
        title = objection.title.strip() or self.tr("(no title)")
        return f"{objection.id or '—'} · {title}"

    # --- loading ------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._task is not None

    def draft(self) -> ScriptDraft | None:
        return self._draft

    def _load_scripts(self) -> None:
        database = self._context.database
        self._task = run_in_background(
            self, lambda: latest_scripts(database), self._scripts_loaded, self._failed
        )

    def _scripts_loaded(self, scripts: Any) -> None:
        self._task = None
        with QSignalBlocker(self.script_combo):
            self.script_combo.clear()
            for stored in scripts:
                assert isinstance(stored, StoredScript)
                self.script_combo.addItem(stored.name, stored.name)
        self._open(scripts[0] if scripts else None)

    def open_script(self, name: str) -> None:
        """Open the newest version of the script (ignored while there are unsaved changes)."""
        self.script_combo.setCurrentIndex(self.script_combo.findData(name))
        self._open_chosen()

    def _open_chosen(self) -> None:
        name = self.script_combo.currentData()
        if not isinstance(name, str) or self._task is not None or self.has_changes():
            return
        database = self._context.database
        self._task = run_in_background(
            self, lambda: latest_version(database, name), self._opened, self._failed
        )
        self._update_state()

    def _opened(self, stored: Any) -> None:
        self._task = None
        self._open(stored if isinstance(stored, StoredScript) else None)

    def _open(self, stored: StoredScript | None) -> None:
        self.error.clear_error()
        self.status.clear()
        self._publish_anyway = False
        if stored is None:
            self._set_draft(None, None, None)
            return
        with QSignalBlocker(self.script_combo):
            self.script_combo.setCurrentIndex(self.script_combo.findData(stored.name))
        self._set_draft(ScriptDraft.from_script(stored.document), stored.name, stored.version)

    def _set_draft(self, draft: ScriptDraft | None, name: str | None, version: int | None) -> None:
        self._draft = draft
        self._loaded_name = name
        self._version = version
        self._baseline = None if draft is None or name is None else draft.snapshot()
        with QSignalBlocker(self.name_edit), QSignalBlocker(self.language_edit):
            self.name_edit.setText("" if draft is None else draft.name)
            self.language_edit.setText("" if draft is None else draft.language)
        self._show_version()
        self._rebuild_tree(None)
        self._revalidate()
        if draft is not None and draft.stages:
            first = draft.step_refs()
            self.select_item(first[0] if first else ItemRef(0))
        self._update_state()

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self.error.show_error(failure_text(error))
        self._update_state()

    # --- new, discard -------------------------------------------------------------------------

    def new_script(self) -> None:
        if self._task is not None or self.has_changes() or not self._can_edit:
            return
        self.error.clear_error()
        self.status.clear()
        self._publish_anyway = False
        language = self._draft.language if self._draft is not None else "ru"
        self._set_draft(ScriptDraft.blank(language), None, None)
        self.name_edit.setFocus()

    def discard_changes(self) -> None:
        if self._task is not None:
            return
        self._baseline = self._draft.snapshot() if self._draft is not None else None
        if self.script_combo.count():
            self._open_chosen()
        else:
            self._set_draft(None, None, None)

    def has_changes(self) -> bool:
        if self._draft is None:
            return False
        return self._baseline is None or self._draft.snapshot() != self._baseline

    # --- the tree -----------------------------------------------------------------------------

    def current_ref(self) -> ItemRef | None:
        item = self.tree.currentItem()
        ref = None if item is None else item.data(0, _REF_ROLE)
        return ref if isinstance(ref, ItemRef) else None

    def _rebuild_tree(self, select: ItemRef | None) -> None:
        with QSignalBlocker(self.tree):
            self.tree.clear()
            if self._draft is not None:
                for stage_index, stage in enumerate(self._draft.stages):
                    top = QTreeWidgetItem(self.tree)
                    self._set_item(top, ItemRef(stage_index))
                    for index in range(len(stage.steps)):
                        self._set_item(
                            QTreeWidgetItem(top), ItemRef(stage_index, ItemKind.STEP, index)
                        )
                    for index in range(len(stage.objections)):
                        self._set_item(
                            QTreeWidgetItem(top), ItemRef(stage_index, ItemKind.OBJECTION, index)
                        )
                self.tree.expandAll()
        self._mark_problems()
        if select is not None:
            self.select_item(select)
        else:
            self._show_current()

    def _set_item(self, item: QTreeWidgetItem, ref: ItemRef) -> None:
        item.setData(0, _REF_ROLE, ref)
        text = self._item_text(ref)
        item.setText(0, text)
        item.setToolTip(0, text)

    def _item_for(self, ref: ItemRef) -> QTreeWidgetItem | None:
        top = self.tree.topLevelItem(ref.stage)
        if top is None or ref.kind is ItemKind.STAGE:
            return top
        for child in _children(top):
            if child.data(0, _REF_ROLE) == ref:
                return child
        return None

    def select_item(self, ref: ItemRef) -> None:
        item = self._item_for(ref)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def select_step(self, step_id: str) -> None:
        ref = None if self._draft is None else self._draft.find_step(step_id)
        if ref is not None:
            self.select_item(ref)

    def _step_choices(self) -> list[tuple[str, str]]:
        assert self._draft is not None
        choices = []
        for ref in self._draft.step_refs():
            step = self._draft.step(ref)
            if step.id:
                stage = stage_label(self._draft.stages[ref.stage].kind)
                choices.append((step.id, f"{step.id} · {preview(step.text, 40)} ({stage})"))
        return choices

    def _show_current(self) -> None:
        ref = self.current_ref()
        if self._draft is None or ref is None or not self._draft.exists(ref):
            self.forms.setCurrentWidget(self.nothing)
        elif ref.kind is ItemKind.STAGE:
            self.stage_form.show_stage(self._draft.stages[ref.stage])
            self.forms.setCurrentWidget(self.stage_form)
        elif ref.kind is ItemKind.STEP:
            self.step_form.show_step(self._draft.step(ref), self._step_choices())
            self.forms.setCurrentWidget(self.step_form)
        else:
            self.objection_form.show_objection(self._draft.objection(ref))
            self.forms.setCurrentWidget(self.objection_form)
        self._update_state()

    def add_item(self) -> None:
        ref = self.current_ref()
        if self._draft is None or ref is None or not self._can_edit:
            return
        added = self._draft.add_item(ref)
        self._structure_changed(added)
        if added.kind is ItemKind.STEP:
            self.step_form.text_edit.setFocus()
        else:
            self.objection_form.title_edit.setFocus()

    def remove_item(self) -> None:
        ref = self.current_ref()
        if self._draft is None or ref is None or not self._can_edit:
            return
        if ref.kind is ItemKind.STAGE and not self._draft.stages[ref.stage].is_empty():
            return
        self._structure_changed(self._draft.remove_item(ref))

    def move_item(self, offset: int) -> None:
        ref = self.current_ref()
        if self._draft is None or ref is None or not self._can_edit:
            return
        self._structure_changed(self._draft.move_item(ref, offset))

    def add_stage(self, kind: StageKind) -> None:
        if self._draft is None or not self._can_edit:
            return
        self._structure_changed(self._draft.add_stage(kind))

    def _fill_stage_menu(self) -> None:
        self._stage_menu.clear()
        for kind in [] if self._draft is None else self._draft.missing_stages():
            action = self._stage_menu.addAction(stage_label(kind))
            action.triggered.connect(lambda _checked=False, kind=kind: self.add_stage(kind))

    def _structure_changed(self, select: ItemRef | None) -> None:
        self.status.clear()
        self._revalidate(mark=False)
        self._rebuild_tree(select)
        self.tree.setFocus()

    # --- editing ------------------------------------------------------------------------------

    def _edited(self) -> None:
        ref = self.current_ref()
        item = self.tree.currentItem()
        if (
            ref is not None
            and item is not None
            and self._draft is not None
            and self._draft.exists(ref)
        ):
            self._set_item(item, ref)
        self.status.clear()
        self._revalidate()
        self._update_state()

    def _step_id_edited(self, text: str) -> None:
        ref = self.current_ref()
        if self._draft is None or ref is None or ref.kind is not ItemKind.STEP:
            return
        self._draft.rename_step(ref, text)
        self._edited()

    def _name_changed(self, text: str) -> None:
        if self._draft is not None:
            self._draft.name = text
            self._edited()

    def _language_changed(self, text: str) -> None:
        if self._draft is not None:
            self._draft.language = text
            self._edited()

    # --- problems -----------------------------------------------------------------------------

    def problem_list(self) -> tuple[ScriptProblem, ...]:
        return self._problems

    def _revalidate(self, *, mark: bool = True) -> None:
        self._problems = () if self._draft is None else validate_script(self._draft.to_script())
        self._fill_problems()
        if mark:
            self._mark_problems()

    def _fill_problems(self) -> None:
        self.problems.clear()
        style = self.style()
        for index, problem in enumerate(self._problems):
            item = QListWidgetItem(problem_text(problem))
            icon = (
                QStyle.StandardPixmap.SP_MessageBoxWarning
                if problem.severity is Severity.WARNING
                else QStyle.StandardPixmap.SP_MessageBoxCritical
            )
            item.setIcon(style.standardIcon(icon))
            item.setData(_REF_ROLE, index)
            self.problems.addItem(item)
        errors = len(blocking_problems(self._problems))
        warnings = len(self._problems) - errors
        if not self._problems:
            title = self.tr("Problems: none — the script can be published")
        else:
            title = self.tr("Problems: {errors} to fix, {warnings} to check").format(
                errors=errors, warnings=warnings
            )
        self.problems_box.setTitle(title)

    def _mark_problems(self) -> None:
        marked: dict[ItemRef, Severity] = {}
        for problem in self._problems:
            ref = _ref_of(problem)
            if ref is not None and marked.get(ref) is not Severity.ERROR:
                marked[ref] = problem.severity
        style = self.style()
        for top_index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(top_index)
            if top is None:
                continue
            for item in [top, *_children(top)]:
                ref = item.data(0, _REF_ROLE)
                severity = marked.get(ref) if isinstance(ref, ItemRef) else None
                if severity is None:
                    item.setIcon(0, QIcon())
                    continue
                icon = (
                    QStyle.StandardPixmap.SP_MessageBoxWarning
                    if severity is Severity.WARNING
                    else QStyle.StandardPixmap.SP_MessageBoxCritical
                )
                item.setIcon(0, style.standardIcon(icon))

    def _problem_activated(self, item: QListWidgetItem) -> None:
        index = item.data(_REF_ROLE)
        if isinstance(index, int) and 0 <= index < len(self._problems):
            self.go_to_problem(self._problems[index])

    def go_to_problem(self, problem: ScriptProblem) -> None:
        """Select the item the problem is about and put the cursor where the fix goes."""
        if problem.kind is ProblemKind.EMPTY_NAME:
            self.name_edit.setFocus()
            return
        if problem.kind is ProblemKind.BAD_LANGUAGE:
            self.language_edit.setFocus()
            return
        ref = _ref_of(problem)
        if ref is None:
            return
        self.select_item(ref)
        answer = problem.place.answer_index
        if ref.kind is ItemKind.STEP:
            if answer is not None:
                self.step_form.select_answer(answer)
                fix_target = problem.kind in (ProblemKind.MISSING_NEXT, ProblemKind.UNKNOWN_NEXT)
                (
                    self.step_form.answer_next if fix_target else self.step_form.answer_label
                ).setFocus()
            elif problem.kind in (
                ProblemKind.EMPTY_ID,
                ProblemKind.BAD_ID,
                ProblemKind.DUPLICATE_ID,
            ):
                self.step_form.id_edit.setFocus()
            elif problem.kind is ProblemKind.DEAD_END:
                self.step_form.add_answer_button.setFocus()
            else:
                self.step_form.text_edit.setFocus()
        elif ref.kind is ItemKind.OBJECTION:
            if problem.kind in (ProblemKind.EMPTY_ID, ProblemKind.BAD_ID, ProblemKind.DUPLICATE_ID):
                self.objection_form.id_edit.setFocus()
            elif problem.kind is ProblemKind.EMPTY_TITLE:
                self.objection_form.title_edit.setFocus()
            else:
                self.objection_form.responses_edit.setFocus()
        else:
            self.tree.setFocus()

    # --- state --------------------------------------------------------------------------------

    def _update_state(self) -> None:
        idle = self._task is None
        has_draft = self._draft is not None
        changed = self.has_changes()
        editing = idle and has_draft and self._can_edit
        self.script_combo.setEnabled(idle and not changed)
        self.script_combo.setToolTip(
            self.tr("Publish or discard the changes before opening another script")
            if changed
            else ""
        )
        self.new_button.setEnabled(idle and not changed and self._can_edit)
        self.discard_button.setEnabled(idle and changed)
        self.publish_button.setEnabled(editing and changed)
        self.publish_action.setEnabled(editing and changed)
        self.name_edit.setEnabled(has_draft and self._can_edit)
        self.language_edit.setEnabled(has_draft and self._can_edit)
        self.forms.setEnabled(self._can_edit)
        if changed and not self.status.text():
            self.status.setText(self.tr("Unsaved changes"))
        elif not changed and self.status.text() == self.tr("Unsaved changes"):
            self.status.clear()
        ref = self.current_ref()
        stage = None if ref is None or self._draft is None else self._draft.stages[ref.stage]
        can_change = editing and ref is not None
        self.add_button.setText(
            self.tr("Add objection")
            if stage is not None and stage.holds_objections()
            else self.tr("Add step")
        )
        self.add_button.setEnabled(can_change)
        removable = can_change and not (
            ref is not None
            and ref.kind is ItemKind.STAGE
            and stage is not None
            and not stage.is_empty()
        )
        self.remove_button.setEnabled(removable)
        self.remove_button.setToolTip(
            "" if removable or not can_change else self.tr("Remove or move the stage's steps first")
        )
        self.up_button.setEnabled(can_change)
        self.down_button.setEnabled(can_change)
        self.add_stage_button.setEnabled(
            editing and self._draft is not None and bool(self._draft.missing_stages())
        )

    # --- publishing ---------------------------------------------------------------------------

    def publish(self) -> None:
        draft = self._draft
        if draft is None or self._task is not None or not self.publish_button.isEnabled():
            return
        errors = blocking_problems(self._problems)
        if errors:
            self.error.show_error(
                self.tr(
                    "The script cannot be published yet: {count} problem(s) to fix."
                    " Double-click a problem to go to it."
                ).format(count=len(errors))
            )
            self.problems.setFocus()
            self.problems.setCurrentRow(self._problems.index(errors[0]))
            return
        self.error.clear_error()
        document = draft.to_script()
        snapshot = draft.snapshot()
        based_on: int | None
        if self._publish_anyway:
            based_on = None
        elif document.name == self._loaded_name and self._version is not None:
            based_on = self._version
        else:
            based_on = 0  # a new script, or a new name: it must not exist yet
        database, actor = self._context.database, self._context.actor
        self._task = run_in_background(
            self,
            lambda: publish_script(database, actor, document, based_on=based_on),
            lambda version: self._published(version, document.name, snapshot),
            self._publish_failed,
        )
        self._update_state()

    def _published(self, version: Any, name: str, snapshot: dict[str, Any]) -> None:
        assert isinstance(version, int)
        self._task = None
        self._publish_anyway = False
        self._loaded_name = name
        self._version = version
        self._baseline = snapshot
        with QSignalBlocker(self.script_combo):
            if self.script_combo.findData(name) < 0:
                self.script_combo.addItem(name, name)
            self.script_combo.setCurrentIndex(self.script_combo.findData(name))
        self._show_version()
        self.status.setText(self.tr("Published as version {number}.").format(number=version))
        self._update_state()

    def _publish_failed(self, error: BaseException) -> None:
        self._task = None
        if isinstance(error, ScriptChangedMeanwhile):
            self._publish_anyway = True
            if error.expected == 0:
                text = self.tr(
                    "A script named “{name}” already exists. Rename yours, or publish again"
                    " to store it as version {next} of that script."
                )
            else:
                text = self.tr(
                    "Someone published version {latest} of this script after you opened"
                    " version {expected}. Publish again to store yours as version {next},"
                    " or discard your changes to see theirs."
                )
            self.error.show_error(
                text.format(
                    name=error.name,
                    latest=error.latest,
                    expected=error.expected,
                    next=error.latest + 1,
                )
            )
        elif isinstance(error, ScriptInvalid):
            self.error.show_error("\n".join(problem_text(p) for p in error.problems))
        else:
            self.error.show_error(failure_text(error))
        self._update_state()


def _ref_of(problem: ScriptProblem) -> ItemRef | None:
    place = problem.place
    if place.stage_index is None:
        return None
    if place.step_index is not None:
        return ItemRef(place.stage_index, ItemKind.STEP, place.step_index)
    if place.objection_index is not None:
        return ItemRef(place.stage_index, ItemKind.OBJECTION, place.objection_index)
    return ItemRef(place.stage_index)


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    children = (item.child(index) for index in range(item.childCount()))
    return [child for child in children if child is not None]
