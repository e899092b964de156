"""The project's URLs plus one view that fails, for the logging tests."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def fails(request):
    # The message carries what a careless caller might put in one: the log must not.
    raise RuntimeError(f"boom while handling password={request.POST.get('password', '')}")


urlpatterns = [path("test-fails/", fails), *project_urlpatterns]
