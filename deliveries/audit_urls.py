from django.urls import path

from deliveries import audit_views

app_name = "audit"
urlpatterns = [
    path("", audit_views.audit_home, name="home"),
    path("rows/", audit_views.audit_rows, name="rows"),
    path("rescued/", audit_views.audit_rescued, name="rescued"),
    path("sheet/", audit_views.audit_sheet, name="sheet"),
]
