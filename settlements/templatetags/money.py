"""``{{ amount|money }}``: an amount as people read it, 12,362.50 (``settlements.money.format_money``)."""

from django import template

from settlements.money import format_money

register = template.Library()
register.filter("money", format_money, is_safe=True)
