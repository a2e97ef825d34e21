from django.urls import reverse


def test_healthz_answers_ok_without_sign_in_while_the_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.text == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_refuses_writes(client, db):
    assert client.post(reverse("healthz")).status_code == 405
