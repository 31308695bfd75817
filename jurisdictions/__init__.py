"""Policy jurisdictions as packages: one package a city (``national``, ``mianyang``, ``beijing``,
``tianjin``), each declaring its rules, categories, alert recipients, funds and demo values in one
``Jurisdiction`` (``jurisdictions.spec``). ``jurisdictions.registry`` holds the installed ones.

Adding a city is one new package and its dotted path in ``JIUZHU_JURISDICTIONS`` (or the environment
variable ``JIUZHU_EXTRA_JURISDICTIONS``); see docs/architecture.md, "How to add a city".
"""
