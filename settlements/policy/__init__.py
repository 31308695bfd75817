"""Pure-Python policy engine of medical assistance (医疗救助): no Django import anywhere in this package.

Public API: ``assess_visit``, ``assess_application``, ``settle_year`` (``engine``), the dataclasses of
``types`` (inputs) and ``results``, ``parse_scenario`` (``scenario``), ``render_result`` (``render``) and
the errors of ``errors``.
"""
