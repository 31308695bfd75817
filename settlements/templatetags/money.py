"""``{{ amount|money }}``: an amount as people read it, 12,362.50 (``settlements.money.format_money``);
``{{ count|grouped }}``: a count grouped the same way, 27,018 (``settlements.money.format_count``)."""

from django import template

from settlements.money import format_count, format_money

register = template.Library()
register.filter("money", format_money, is_safe=True)
register.filter("grouped", format_count, is_safe=True)
