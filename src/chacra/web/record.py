"""The record pages' one flow: show the form, write through a service, show a refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from chacra.errors import ChacraError

Write = Callable[[dict[str, Any]], str]  # a service call; the URL of what it made
Refused = Callable[[forms.Form, ChacraError], None]  # puts a refusal on the form


def record_page(
    request: HttpRequest,
    form: forms.Form,
    write: Write,
    template: str,
    context: dict[str, Any] | None,
    *,
    refused: Refused,
) -> HttpResponse:
    """Show the form; on POST write through ``write`` and go to the URL it gives. A refusal
    (the service wrote nothing) goes on the form through ``refused``, answered with its status."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                return redirect(write(form.cleaned_data))
            except ChacraError as exc:
                status = exc.status
                refused(form, exc)
    return render(request, template, {"form": form, **(context or {})}, status=status)
