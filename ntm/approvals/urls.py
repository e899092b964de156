"""Approval pages: the queue, a unit's approval and locking, the departments responsible for
its criteria. Included from ``ntm/web/urls.py`` without a namespace of their own, so the names
stay ``web:queue``, ``web:unit-approval``, ... and the paths stay the same."""

from django.urls import path

from ntm.approvals import views

urlpatterns = [
    path("queue/", views.queue_page, name="queue"),
    path("queue/count/", views.queue_count, name="queue-count"),
    path("units/<id:unit_id>/approval/", views.approval_page, name="unit-approval"),
    path(
        "units/<id:unit_id>/approval/<slug:step>/",
        views.approval_step,
        name="unit-approval-step",
    ),
    path(
        "units/<id:unit_id>/responsibilities/",
        views.responsibilities_page,
        name="unit-responsibilities",
    ),
]
