from django.urls import path

from deliveries import standing_views, views

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
    path("standing/<str:code>/", standing_views.standing_list, name="standing_list"),
    path("standing/new/<str:code>/", standing_views.standing_create, name="standing_create"),
    path("standing-routes/<int:pk>/", standing_views.standing_detail, name="standing_detail"),
    path("standing-routes/<int:pk>/edit/", standing_views.standing_edit, name="standing_edit"),
    path("standing-routes/<int:pk>/households/", standing_views.standing_add, name="standing_add"),
    path("standing-places/<int:pk>/move/", standing_views.place_move, name="place_move"),
    path("standing-places/<int:pk>/remove/", standing_views.place_remove, name="place_remove"),
    path("standing-places/<int:pk>/transfer/", standing_views.place_transfer, name="place_transfer"),
    path("households/<int:pk>/standing/", standing_views.arrangement, name="arrangement"),
    path("households/<int:pk>/standing/end/", standing_views.arrangement_end, name="arrangement_end"),
    path("households/<int:pk>/pauses/", standing_views.pauses, name="pauses"),
    path("pauses/<int:pk>/edit/", standing_views.pause_edit, name="pause_edit"),
    path("pauses/<int:pk>/end/", standing_views.pause_end, name="pause_end"),
]
