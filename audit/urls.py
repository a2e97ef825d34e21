from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_home, name="home"),
    path("rows/", views.audit_rows, name="rows"),
    path("rescued/", views.audit_rescued, name="rescued"),
    path("sheet/", views.audit_sheet, name="sheet"),
    path(
        "members/<int:pk>/track-record/<str:period>/<str:figure>/",
        views.track_record_rows,
        name="track_record_rows",
    ),
]
