"""Render what other apps add to a page through mimac.extensions, where the page's template says."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def render_sections(context, renderings) -> str:
    """Each section, rendered as `{% include %}` would: in the page's context, with its own on top."""
    parts = []
    for rendering in renderings:
        with context.push(rendering.context):
            parts.append(context.template.engine.get_template(rendering.template).render(context))
    return mark_safe("".join(parts))  # noqa: S308 (rendered templates, escaped as they render)


@register.simple_tag(takes_context=True)
def render_stop_blocks(context, blocks, stop) -> str:
    """The blocks of one stop, from the page's `extensions.stop_blocks`."""
    return render_sections(context, blocks.get(stop.pk, ()))
