"""What every page carries from the base template, and how pages answer a refusal."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from chacra.errors import AccessDenied, InvalidInput, NotFound
from chacra.web.errors import chacra_errors


def test_every_page_names_an_icon_that_is_there(db: Any) -> None:
    """Without one, browsers ask for /favicon.ico, which is not there: a 404 on every visit."""
    page = Client().get("/accounts/login/").content.decode()
    found = re.search(
        r'<link rel="icon" type="image/svg\+xml" href="/static/(web/favicon\.svg)">', page
    )
    assert found, "no icon link in the base template"
    path = finders.find(found.group(1))
    assert path is not None
    assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"  # noqa: S314 - our file


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        (AccessDenied("only staff may"), 403),
        (NotFound("lot: no lot with id 9"), 404),
        (InvalidInput("kg: expected more than 0"), 400),
    ],
)
def test_a_services_refusal_becomes_its_page(db: Any, refusal: Exception, status: int) -> None:
    @chacra_errors
    def view(request: HttpRequest) -> HttpResponse:
        raise refusal

    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    if status == 400:
        answer = view(request)
        assert answer.status_code == 400
        assert "kg: expected more than 0" in answer.content.decode()
    else:
        with pytest.raises(PermissionDenied if status == 403 else Http404, match=str(refusal)):
            view(request)
