"""Words for values stored in code form: roles, campaign models, database kinds, script stages."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from operator_app.core.campaigns import CampaignModel
from operator_app.core.roles import Role
from operator_app.core.scripts_format import StageKind

translate = QCoreApplication.translate


def role_label(role: Role | str) -> str:
    labels = {
        Role.OPERATOR: translate("Labels", "Operator"),
        Role.SELLER: translate("Labels", "Seller"),
        Role.SUPERVISOR: translate("Labels", "Supervisor"),
        Role.ADMIN: translate("Labels", "Administrator"),
    }
    try:
        return labels[Role(role)]
    except ValueError:
        return str(role)


def campaign_model_label(model: CampaignModel) -> str:
    if model is CampaignModel.TWO_STEP:
        return translate("Labels", "Two-step (lead generator and seller)")
    return translate("Labels", "One-step")


def database_kind_label(backend: str) -> str:
    if backend == "sqlite":
        return translate("Labels", "embedded")
    return translate("Labels", "shared")


def database_backend_label(backend: str) -> str:
    if backend == "sqlite":
        return translate("Labels", "SQLite (embedded, on this computer)")
    if backend == "postgresql":
        return translate("Labels", "PostgreSQL (shared)")
    return backend


def yes_no(value: bool) -> str:
    return translate("Labels", "Yes") if value else translate("Labels", "No")


def stage_label(stage: StageKind | str | None) -> str:
    """A script stage's name, wherever one is shown: the call, the editor, reviews, reports."""
    if stage is None:
        return "—"
    labels = {
        StageKind.CONTACT: translate("Labels", "Contact"),
        StageKind.DIAGNOSTICS: translate("Labels", "Diagnostics"),
        StageKind.TEASER: translate("Labels", "Teaser"),
        StageKind.OBJECTIONS: translate("Labels", "Objections"),
        StageKind.CLOSING: translate("Labels", "Closing"),
    }
    try:
        return labels[StageKind(stage)]
    except ValueError:
        return str(stage)
