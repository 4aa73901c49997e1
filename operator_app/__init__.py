"""operator_app: a desktop workstation for phone sales."""

__version__ = "0.1.0"
