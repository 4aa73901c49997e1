"""The administrator's channel settings: e-mail over SMTP, SMS and messenger through an HTTP
gateway, each on or off, with its quiet hours."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging import ChannelSettings, ChannelSettingsService
from operator_app.core.messaging.channel_settings import CONFIGURABLE_CHANNELS
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.messaging.channel_form import ChannelForm
from operator_app.gui.messaging.texts import channel_label
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title


class ChannelSettingsPage(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("channelSettingsPage")
        self._context = context
        self._service = ChannelSettingsService(context.database)
        self._load_task: BackgroundTask | None = None
        self._save_task: BackgroundTask | None = None

        self._title = page_title()
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        self.error = InlineError()
        self.tabs = QTabWidget()
        self.forms: dict[str, ChannelForm] = {}
        for channel in CONFIGURABLE_CHANNELS:
            form = ChannelForm(channel)
            form.save_requested.connect(self.save)
            form.setEnabled(False)  # until the settings are loaded
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(form)
            self.tabs.addTab(scroll, "")
            self.forms[channel] = form
        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self._hint)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Message channels"))
        self._hint.setText(
            self.tr(
                "How messages reach clients. E-mail goes through your SMTP server; SMS and "
                "messenger messages through an HTTP gateway that takes one JSON request per "
                "message. A channel that is off keeps its messages queued; they can still be "
                "sent by hand from the outbox."
            )
        )
        for index, channel in enumerate(self.forms):
            self.tabs.setTabText(index, channel_label(channel))
            self.forms[channel].retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def is_busy(self) -> bool:
        return self._load_task is not None or self._save_task is not None

    def refresh(self) -> None:
        if self._load_task is not None:
            return
        self._load_task = run_in_background(
            self, self._service.all, self._loaded, self._load_failed
        )

    def _loaded(self, settings: Any) -> None:
        self._load_task = None
        self.error.clear_error()
        for channel_settings in settings:
            assert isinstance(channel_settings, ChannelSettings)
            form = self.forms[channel_settings.channel]
            form.show_settings(channel_settings)
            form.setEnabled(True)

    def _load_failed(self, error: BaseException) -> None:
        self._load_task = None
        self.error.show_error(
            self.tr("The channel settings could not be loaded. {reason}").format(
                reason=failure_text(error)
            )
        )

    def save(self, channel: str, enabled: bool, config: object) -> None:
        if self._save_task is not None:
            return
        assert isinstance(config, dict)
        form = self.forms[channel]
        actor = self._context.actor

        def work() -> ChannelSettings:
            return self._service.save(actor, channel, enabled=enabled, config=config)

        def saved(result: Any) -> None:
            self._save_task = None
            form.set_busy(False)
            assert isinstance(result, ChannelSettings)
            form.show_settings(result)
            form.notice.setText(self.tr("Saved."))

        def failed(error: BaseException) -> None:
            self._save_task = None
            form.set_busy(False)
            if isinstance(error, ValidationFailed):
                form.show_validation(error)
            else:
                form.error.show_error(failure_text(error))

        form.set_busy(True)
        self._save_task = run_in_background(self, work, saved, failed)
