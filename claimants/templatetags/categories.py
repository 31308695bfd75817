"""``{{ code|category_label }}``: the name of an assistance category in the page's language."""

from django import template

from claimants.categories import CATEGORIES

register = template.Library()


@register.filter
def category_label(code: str | None) -> str:
    """The label of a category code; an empty code stays empty, a code no longer known is shown as it is."""
    if not code:
        return ""
    category = CATEGORIES.get(code)
    return category.label if category else code
