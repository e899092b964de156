"""The public recognition list and its XLSX export, no login (same paths and names as
before they left ntm/web; included from ntm/web/urls.py, not under /recognition/)."""

from django.urls import path

from ntm.recognition.views import public

urlpatterns = [
    path("recognitions/", public.recognitions, name="recognitions"),
    path("recognitions/xlsx/", public.recognitions_xlsx, name="recognitions-xlsx"),
]
