"""Screens for medical-security staff, a module each: ``visits`` (and the roles of these pages, ``VIEWERS``
and ``SETTLERS``), ``settlement`` (settlements, reversal, statements), ``ledgers`` (ledger, resettlement),
``policy_years``, ``imports`` (the platform's settlement records).

Each view checks the role, scopes through a selector (outside the region = 404), calls a service, responds.
"""
