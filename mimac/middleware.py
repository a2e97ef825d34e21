from django.conf import settings
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


class SharedLaptopMiddleware:
    """What a shared hub laptop needs on every page a signed-in member sees.

    - The page is never stored: the back button after sign-out shows nothing of the last person.
    - Once the session's idle time is up, an open page replaces itself with the signed-out page,
      with no JavaScript. This is the HTTP form of <meta http-equiv="refresh">, which browsers treat
      the same way; as a header it needs no change to any template.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and response.get("Content-Type", "").startswith("text/html"):
            add_never_cache_headers(response)
            response["Refresh"] = f"{settings.SESSION_COOKIE_AGE}; url={reverse('signed_out')}"
        return response
