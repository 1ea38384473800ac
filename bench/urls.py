"""The project's URLs plus two bare Django views: the floor each endpoint is measured beside."""

import json

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


def floor_get(request):
    """What Django costs with no database: the same middleware, a small JSON body."""
    return JsonResponse({"status": "ok", "path": request.path})


@csrf_exempt
def floor_post(request):
    """The same for a POST: the body is parsed and echoed, nothing is stored."""
    body = json.loads(request.body or b"{}")
    return JsonResponse({"received": sorted(body)}, status=201)


urlpatterns = [
    path("bench/floor/", floor_get),
    path("bench/floor-post/", floor_post),
    path("", include("govservice.urls")),
]
