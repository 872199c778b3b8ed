"""`{% follow_button objekt %}`: the Folgen / Nicht mehr folgen button on a detail page."""

from django import template

register = template.Library()


@register.inclusion_tag("benachrichtigungen/includes/folgen.html", takes_context=True)
def follow_button(context, gegenstand):
    from ..views import follow_context

    request = context["request"]
    if not request.user.is_authenticated:
        return {"folgen_url": None}
    return {**follow_context(request, gegenstand), "csrf_token": context.get("csrf_token")}
