from django import template

from audit import drilldown

register = template.Library()


@register.simple_tag(takes_context=True)
def rows_url(context, what, **params):
    """The page listing the rows behind a figure of the audit shown with this context's choices."""
    return drilldown.rows_url(context["form"], what, **params)
