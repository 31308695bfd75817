"""``{{ code|category_label }}``: the name of an assistance category in the page's language."""

from django import template

from claimants.categories import label_of

register = template.Library()
register.filter("category_label", label_of)
