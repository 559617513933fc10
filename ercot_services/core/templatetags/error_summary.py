from django import forms, template

register = template.Library()

_DEFAULT_REQUIRED = forms.Field.default_error_messages["required"]


@register.filter
def error_summary_links(form) -> list[tuple[str, str]]:
    """Each field error of a form as ``(field id, text)`` for the error summary's links (GOV.UK style).

    A required field's message already names the field ("Enter the Operating Day", from
    ``ercot_services.core.forms.required_message`` or the field's own), so it stands alone; any other message is
    prefixed by the field's label ("Disputed amount (USD): Enter an amount greater than zero.").
    """
    links = []
    for field in form:
        for error in form.errors.as_data().get(field.name, ()):
            for message in error.messages:
                names_the_field = error.code == "required" and message != _DEFAULT_REQUIRED
                text = message if names_the_field else f"{field.label}: {message}"
                links.append((field.id_for_label, text))
    return links
