"""``{{ amount|money }}``: an amount as people read it, 12,362.50 (``settlements.money.format_money``);
``{{ count|grouped }}``: a count grouped the same way, 27,018, in both languages (Django's zh-hans format
groups no digits, so ``intcomma`` would write 27018)."""

from django import template

from settlements.money import format_money

register = template.Library()
register.filter("money", format_money, is_safe=True)


@register.filter(is_safe=True)
def grouped(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value
