from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    # Under deliveries/ since the first release: sign-in forms open on the shared laptop still post there.
    path("deliveries/start/", views.after_sign_in, name="after_sign_in"),
]
