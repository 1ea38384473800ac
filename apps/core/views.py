from django.shortcuts import render


def home(request):
    """The front door: where the guide, the API and the administration live."""
    return render(request, "core/home.html")
