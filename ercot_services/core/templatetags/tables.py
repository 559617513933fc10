"""``{% empty_row %}``: the one row a table shows when it has no rows, drawn by ``includes/empty_row.html``."""

from django import template
from django.template.base import token_kwargs

register = template.Library()


class EmptyRowNode(template.Node):
    def __init__(self, nodelist, options):
        self.nodelist = nodelist
        self.options = options

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.options.items()}
        values["text"] = self.nodelist.render(context)
        return context.template.engine.get_template("includes/empty_row.html").render(
            template.Context(values, autoescape=context.autoescape)
        )


@register.tag
def empty_row(parser, token):
    """What to say (text, links) between ``{% empty_row colspan=5 %}`` and ``{% endempty_row %}``.

    ``colspan`` is the table's number of columns; ``icon`` (a Bootstrap icon name) makes it a list page's empty state,
    centred under a large icon. For example::

        {% empty %}{% empty_row colspan=8 icon="inbox" %}No applications match these filters.{% endempty_row %}
    """
    bits = token.split_contents()
    options = token_kwargs(bits[1:], parser)
    if "colspan" not in options or len(options) != len(bits) - 1:
        raise template.TemplateSyntaxError(f"{bits[0]} takes colspan=… and an optional icon=…")
    nodelist = parser.parse(("endempty_row",))
    parser.delete_first_token()
    return EmptyRowNode(nodelist, options)
