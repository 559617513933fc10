from django import template

register = template.Library()


@register.filter
def audit_value(value):
    """An audit change value for people: lists joined, empty values as a dash, codes made readable."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(audit_value(item)) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.islower() and "_" in value and " " not in value:
        return value.replace("_", " ")
    return value


@register.filter
def audit_field(name: str) -> str:
    return str(name).replace("_", " ")
