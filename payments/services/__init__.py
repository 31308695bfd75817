"""Business actions on payments: payees, making, checking, returning and releasing a batch, bank results."""

from payments.services.base import CHECKERS, MAKERS, PAYEE_EDITORS, RELEASERS
from payments.services.batches import make_batch, set_payee
from payments.services.release import (
    BANK_FILE_ROLES,
    check_batch,
    record_bank_file_download,
    release_batch,
    return_batch,
)
from payments.services.results import (
    IMPORTERS,
    BankResult,
    BankResultError,
    ImportOutcome,
    import_bank_results,
)

__all__ = [
    "BANK_FILE_ROLES",
    "CHECKERS",
    "IMPORTERS",
    "MAKERS",
    "PAYEE_EDITORS",
    "RELEASERS",
    "BankResult",
    "BankResultError",
    "ImportOutcome",
    "check_batch",
    "import_bank_results",
    "make_batch",
    "record_bank_file_download",
    "release_batch",
    "return_batch",
    "set_payee",
]
