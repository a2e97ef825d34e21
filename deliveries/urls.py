from django.urls import path

from deliveries import views

app_name = "deliveries"
urlpatterns = [
    path("routes/", views.route_list, name="route_list"),
    path("routes/new/<str:code>/", views.route_create, name="route_create"),
    path("routes/<int:pk>/", views.route_detail, name="route_detail"),
    path("routes/<int:pk>/edit/", views.route_edit, name="route_edit"),
    path("routes/<int:pk>/stops/", views.route_add_stops, name="route_add_stops"),
    path("routes/<int:pk>/reorder/", views.route_reorder, name="route_reorder"),
    path("routes/<int:pk>/publish/", views.route_publish, name="route_publish"),
    path("routes/<int:pk>/unpublish/", views.route_unpublish, name="route_unpublish"),
    path("routes/<int:pk>/copy/", views.route_copy, name="route_copy"),
    path("routes/<int:pk>/print/", views.route_print, name="route_print"),
    path("routes/<int:pk>/key-in/", views.route_key_in, name="route_key_in"),
    path("routes/<int:pk>/load/", views.route_load, name="route_load"),
    path("stops/<int:pk>/move/", views.stop_move, name="stop_move"),
    path("stops/<int:pk>/remove/", views.stop_remove, name="stop_remove"),
    path("stops/<int:pk>/items/", views.stop_items, name="stop_items"),
    path("my/", views.my_routes, name="my_routes"),
    path("households/<int:pk>/reports/", views.household_reports, name="household_reports"),
    path("stops/<int:pk>/record/", views.stop_record, name="stop_record"),
]
