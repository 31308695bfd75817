"""Date formats of the product (``FORMAT_MODULE_PATH``), over Django's locale formats.

One date format in both languages, 2026-12-03: it is what the insurance platform's files and the
policy texts use, and the only value an ``<input type="date">`` accepts. Django's zh-hans default renders
a date field's value as 2026/12/03, which the browser rejects, so a pre-filled date came up empty and an
unchanged form could not be saved.
"""
