"""One channel's settings form: on/off, how it sends (SMTP or HTTP gateway), quiet hours.

Each field has its own error line; a refused save shows the reason under the field it names
and leaves everything typed as it was.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging import ChannelSettings
from operator_app.core.messaging.channel_settings import DEFAULT_TIMEOUT_SECONDS, SMTP_SECURITY
from operator_app.gui.messaging.texts import field_problem_text
from operator_app.gui.widgets.field_error import field_error_label, show_field_error
from operator_app.gui.widgets.inline_error import InlineError

# Wide enough for an URL or a long token, narrow enough that a label and its field stay close
# on a wide screen.
FORM_MAX_WIDTH = 820
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "plain": 25}
_SMTP_TEXT = ("host", "user", "from_address", "from_name")
_GATEWAY_TEXT = (
    "url",
    "token",
    "token_header",
    "to_field",
    "text_field",
    "reference_field",
    "sender_field",
    "sender",
)


class ChannelForm(QWidget):
    """`save_requested(channel, enabled, config)` when the person saves."""

    save_requested = Signal(str, bool, object)

    def __init__(self, channel: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.channel = channel
        self.setObjectName(f"channelForm_{channel}")
        self._loaded: dict[str, Any] = {}
        self._errors: dict[str, QLabel] = {}
        self._labels: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        self.enabled = QCheckBox()
        self.form.addRow(self.enabled)
        if channel == "email":
            self._add_text("host")
            port = QSpinBox()
            port.setRange(1, 65535)
            port.setValue(_DEFAULT_PORTS["starttls"])
            self._add("port", port)
            security = QComboBox()
            for value in SMTP_SECURITY:
                security.addItem("", value)
            security.currentIndexChanged.connect(self._security_changed)
            self._add("security", security)
            self._previous_security = "starttls"
            self._add_text("user")
            self._add_text("password", secret=True)
            self._add_text("from_address")
            self._add_text("from_name")
        else:
            self._add_text("url")
            self._add_text("token", secret=True)
            self._add_text("token_header")
            self._add_text("token_prefix")
            for name in ("to_field", "text_field", "reference_field", "sender_field", "sender"):
                self._add_text(name)
        timeout = QSpinBox()
        timeout.setRange(1, 300)
        timeout.setValue(DEFAULT_TIMEOUT_SECONDS)
        self._add("timeout_seconds", timeout)
        for name in ("quiet_from", "quiet_to"):
            clock = QTimeEdit()
            clock.setDisplayFormat("HH:mm")
            self._add(name, clock)
        self._time("quiet_from").setTime(QTime(21, 0))
        self._time("quiet_to").setTime(QTime(9, 0))

        self.error = InlineError()
        self.notice = QLabel()
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.request_save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        buttons.addWidget(self.save_button)
        body = QWidget()
        body.setMaximumWidth(FORM_MAX_WIDTH)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(self.form)
        body_layout.addWidget(self.error)
        body_layout.addLayout(buttons)
        body_layout.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addStretch(0)

    # --- building -----------------------------------------------------------------------------

    def _add(self, name: str, field: QWidget) -> None:
        field.setObjectName(name)
        if not isinstance(field, QLineEdit):
            # Numbers, clocks and choices need no more room than their longest value.
            field.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        error = field_error_label()
        error.setObjectName(f"{name}_error")
        cell = QWidget()
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(field)
        cell_layout.addWidget(error)
        label = QLabel()
        label.setBuddy(field)
        self.form.addRow(label, cell)
        self.fields[name] = field
        self._errors[name] = error
        self._labels[name] = label

    def _add_text(self, name: str, *, secret: bool = False) -> None:
        edit = QLineEdit()
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._add(name, edit)

    def text_edit(self, name: str) -> QLineEdit:
        field = self.fields[name]
        assert isinstance(field, QLineEdit)
        return field

    def spin(self, name: str) -> QSpinBox:
        field = self.fields[name]
        assert isinstance(field, QSpinBox)
        return field

    def _time(self, name: str) -> QTimeEdit:
        field = self.fields[name]
        assert isinstance(field, QTimeEdit)
        return field

    def _security(self) -> QComboBox:
        field = self.fields["security"]
        assert isinstance(field, QComboBox)
        return field

    def retranslate(self) -> None:
        self.enabled.setText(self.tr("Send messages through this channel"))
        labels = {
            "host": self.tr("SMTP server:"),
            "port": self.tr("Port:"),
            "security": self.tr("Security:"),
            "user": self.tr("User name:"),
            "password": self.tr("Password:"),
            "from_address": self.tr("From address:"),
            "from_name": self.tr("From name:"),
            "url": self.tr("Gateway address (URL):"),
            "token": self.tr("Access token:"),
            "token_header": self.tr("Token header:"),
            "token_prefix": self.tr("Token prefix:"),
            "to_field": self.tr("Field for the recipient:"),
            "text_field": self.tr("Field for the text:"),
            "reference_field": self.tr("Field for the message number:"),
            "sender_field": self.tr("Field for the sender name:"),
            "sender": self.tr("Sender name:"),
            "timeout_seconds": self.tr("Timeout, seconds:"),
            "quiet_from": self.tr("Quiet hours from:"),
            "quiet_to": self.tr("Quiet hours until:"),
        }
        for name, label in self._labels.items():
            label.setText(labels[name])
        placeholders = {
            "host": "smtp.example.ru",
            "from_address": "visits@example.ru",
            "url": "https://gateway.example.ru/send",
            "token_header": "Authorization",
            "to_field": "to",
            "text_field": "text",
            "reference_field": "reference",
        }
        for name, text in placeholders.items():
            if name in self.fields:
                self.text_edit(name).setPlaceholderText(text)
        if "security" in self.fields:
            names = {
                "starttls": self.tr("STARTTLS (usually port 587)"),
                "ssl": self.tr("SSL/TLS (usually port 465)"),
                "plain": self.tr("None (port 25, local servers only)"),
            }
            combo = self._security()
            for index in range(combo.count()):
                combo.setItemText(index, names[str(combo.itemData(index))])
        self._labels["quiet_from"].setToolTip(
            self.tr("No message reaches a client during these hours of the client's own time")
        )
        self.save_button.setText(self.tr("Save"))

    def _security_changed(self, _index: int) -> None:
        security = str(self._security().currentData())
        port = self.spin("port")
        if port.value() == _DEFAULT_PORTS.get(self._previous_security):
            port.setValue(_DEFAULT_PORTS[security])
        self._previous_security = security

    # --- values -------------------------------------------------------------------------------

    def show_settings(self, settings: ChannelSettings) -> None:
        config = dict(settings.config)
        self._loaded = config
        self.enabled.setChecked(settings.enabled)
        for name in (*_SMTP_TEXT, "password", *_GATEWAY_TEXT, "token_prefix"):
            if name not in self.fields:
                continue
            value = config.get(name)
            if name == "token_prefix" and name not in config:
                value = "Bearer "
            self.text_edit(name).setText(value if isinstance(value, str) else "")
        if "security" in self.fields:
            security = config.get("security", "starttls")
            index = self._security().findData(security)
            self._previous_security = str(security)
            self._security().blockSignals(True)
            self._security().setCurrentIndex(max(index, 0))
            self._security().blockSignals(False)
            port = config.get("port", _DEFAULT_PORTS.get(str(security), 587))
            self.spin("port").setValue(port if isinstance(port, int) else 587)
        timeout = config.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
        self.spin("timeout_seconds").setValue(
            timeout if isinstance(timeout, int) else DEFAULT_TIMEOUT_SECONDS
        )
        quiet = settings.quiet_hours
        self._time("quiet_from").setTime(QTime(quiet.starts.hour, quiet.starts.minute))
        self._time("quiet_to").setTime(QTime(quiet.ends.hour, quiet.ends.minute))
        self.clear_errors()

    def config(self) -> dict[str, Any]:
        """The form's values as the config to store; keys it does not show are kept."""
        config = dict(self._loaded)
        for name in (*_SMTP_TEXT, *_GATEWAY_TEXT):
            if name in self.fields:
                text = self.text_edit(name).text().strip()
                if text:
                    config[name] = text
                else:
                    config.pop(name, None)
        for name in ("password", "token_prefix"):  # spaces may matter here
            if name in self.fields:
                text = self.text_edit(name).text()
                if text or name == "token_prefix":
                    config[name] = text
                else:
                    config.pop(name, None)
        if "security" in self.fields:
            config["security"] = str(self._security().currentData())
            config["port"] = self.spin("port").value()
        config["timeout_seconds"] = self.spin("timeout_seconds").value()
        for name in ("quiet_from", "quiet_to"):
            config[name] = self._time(name).time().toString("HH:mm")
        return config

    def request_save(self) -> None:
        self.clear_errors()
        self.notice.clear()
        self.save_requested.emit(self.channel, self.enabled.isChecked(), self.config())

    # --- outcomes -----------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for label in self._errors.values():
            show_field_error(label, None)
        self.error.clear_error()

    def show_validation(self, error: ValidationFailed) -> None:
        """The reason under the field it names (focused), else above the Save button."""
        label = self._errors.get(error.field)
        if label is None:
            self.error.show_error(field_problem_text(error))
            return
        show_field_error(label, field_problem_text(error))
        self.fields[error.field].setFocus()

    def field_error(self, name: str) -> str | None:
        return self._errors[name].text() or None

    def set_busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)
