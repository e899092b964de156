from django.urls import path

from ntm.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("criteria/", views.criteria_list, name="criteria"),
    path("criteria/<slug:set_id>/", views.criteria_detail, name="criteria-set"),
]
