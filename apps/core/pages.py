"""Rendering pages whose regions the page script refreshes after an action."""

from django.http import Http404
from django.shortcuts import render


def render_page(request, template: str, context: dict, *, parts: dict[str, str] | None = None):
    """The whole page, or with `?part=name` only that region's template (what `data-refresh` reloads).

    A region's element carries `id` and `data-fragment="{{ request.path }}?part=name"`, and the page
    template includes the same part template, so the first paint and a refresh can never differ.
    """
    part = request.GET.get("part")
    if part:
        if part not in (parts or {}):
            raise Http404
        return render(request, parts[part], context)
    return render(request, template, context)
