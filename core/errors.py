"""Refusals with stable codes and translated messages. Tests assert the code; the UI shows the label.

Each app lists its codes as ``TextChoices`` beside its services (``claimants.errors.ClaimantError`` ...);
a refusal of any app is this one exception.
"""

from django.db import models


class DomainError(Exception):
    def __init__(self, code: models.TextChoices, **params: object) -> None:
        message = str(code.label)
        if params:
            message = message.format(**params)
        super().__init__(message)
        self.code, self.message, self.params = code, message, params
