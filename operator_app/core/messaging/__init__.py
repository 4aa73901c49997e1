"""Messages to clients: templates, channels (SMTP, HTTP gateway, manual) and the outbox."""

from operator_app.core.messaging.channel_settings import ChannelSettings, ChannelSettingsService
from operator_app.core.messaging.channels import OutboundMessage, Sender, SendFailed
from operator_app.core.messaging.http_gateway import GatewayAdapter, JsonPostAdapter
from operator_app.core.messaging.manual import manual_link
from operator_app.core.messaging.outbox import (
    MessageStateError,
    MessageView,
    Outbox,
    QueuedMessage,
    SendReport,
    visit_context_in_session,
)
from operator_app.core.messaging.render import MissingPlaceholder, UnknownPlaceholder
from operator_app.core.messaging.templates import (
    TEMPLATE_CODES,
    MessageText,
    TemplateNotFound,
    TemplateService,
    TemplateView,
)

__all__ = [
    "TEMPLATE_CODES",
    "ChannelSettings",
    "ChannelSettingsService",
    "GatewayAdapter",
    "JsonPostAdapter",
    "MessageStateError",
    "MessageText",
    "MessageView",
    "MissingPlaceholder",
    "OutboundMessage",
    "Outbox",
    "QueuedMessage",
    "SendFailed",
    "SendReport",
    "Sender",
    "TemplateNotFound",
    "TemplateService",
    "TemplateView",
    "UnknownPlaceholder",
    "manual_link",
    "visit_context_in_session",
]
