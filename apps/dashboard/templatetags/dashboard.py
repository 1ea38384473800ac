from django import template

register = template.Library()


@register.filter
def percent(fraction) -> str:
    """0.9304 → "93.0 %"; nothing counted → "–"."""
    return "–" if fraction is None else f"{fraction * 100:.1f} %"


@register.filter
def days(value) -> str:
    return "–" if value is None else f"{value:g}"
