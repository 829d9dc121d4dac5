"""Template filters for the one error summary of a page (templates/includes/error_summary.html)."""

from django import template

register = template.Library()


@register.filter
def with_errors(forms):
    """The forms of a page that have errors: a page shows one summary for all of them, not
    one per form (issue 22)."""
    return [form for form in forms or () if form.errors]
