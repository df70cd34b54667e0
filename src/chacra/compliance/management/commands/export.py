"""``chacra export KIND ... --as USER``: hand data over in the formats others ask for.

    chacra export eudr [--producers P1,P2 | --region R | --shipment S] [--include-review]
        --out FILE --as USER

Each kind is one entry in ``KINDS``: a function that exports it from the parsed options and
prints what it did. Only ``eudr`` (the EU Deforestation Regulation GeoJSON) exists for now.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from chacra.accounts.commands import acting_user
from chacra.compliance.eudr_export import EudrExport, eudr_export
from chacra.errors import ChacraError


def _eudr_add_arguments(parser: CommandParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--producers", help="producer codes, comma-separated: P000001,P000002")
    which.add_argument("--region", help="departamento name or ubigeo")
    which.add_argument(
        "--shipment", help="a shipment code (S000045): the plots its trace-back finds"
    )
    parser.add_argument(
        "--include-review", action="store_true", help="export plots that need review, too"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="the file to write; more as FILE-2, FILE-3 ..."
    )


def _eudr_print(result: EudrExport, out: OutputWrapper) -> None:
    for refusal in result.refused:
        reasons = "; ".join(str(r.get("message", r.get("code", ""))) for r in refusal.reasons)
        out.write(
            _("refused %(plot)s (producer %(producer)s): %(message)s")
            % {"plot": refusal.plot, "producer": refusal.producer, "message": refusal.message}
            + (f": {reasons}" if reasons else "")
        )
    for exported in result.files:
        out.write(
            _("wrote %(path)s: %(plots)s plots of %(producers)s producers, %(bytes)s bytes")
            % {"path": exported.path, "plots": exported.plots, "producers": exported.producers,
               "bytes": exported.report.size_bytes}
        )  # fmt: skip
        for warning in exported.report.warnings:
            out.write("  " + warning.text(_))


def _eudr(actor: Any, opts: dict[str, Any], out: OutputWrapper) -> None:
    codes = [c.strip() for c in (opts["producers"] or "").split(",") if c.strip()]
    if opts.get("shipment"):
        from chacra.supply.eudr import shipment_by_code, shipment_eudr_export

        result = shipment_eudr_export(
            actor=actor, shipment=shipment_by_code(actor=actor, code=opts["shipment"]),
            out=opts["out"], include_review=opts["include_review"], source="cli",
        )  # fmt: skip
    else:
        result = eudr_export(
            actor=actor, out=opts["out"], producers=codes, region=opts["region"],
            include_review=opts["include_review"], source="cli",
        )  # fmt: skip
    _eudr_print(result, out)
    if not result.files and not result.refused:
        raise CommandError(_("no plots to export: none in your scope match"))
    if not result.files:
        raise CommandError(
            _("nothing exported: none of the %(count)s plots could go out (see above)")
            % {"count": len(result.refused)}
        )
    out.write(
        _("%(plots)s plots exported, %(refused)s refused")
        % {"plots": len(result.plots), "refused": len(result.refused)}
    )


KINDS: dict[str, tuple[Callable[[CommandParser], None], Callable[..., None], str]] = {
    "eudr": (_eudr_add_arguments, _eudr, "the EU Deforestation Regulation GeoJSON (EU 2023/1115)"),
}


class Command(BaseCommand):
    help = "Export data USER may see, in a format others ask for (eudr: the EUDR GeoJSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind, (add_arguments, _run, text) in KINDS.items():
            kind_parser = sub.add_parser(kind, help=text)
            add_arguments(kind_parser)
            kind_parser.add_argument("--as", dest="username", required=True, help="act as USER")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = acting_user(opts["username"])
        try:
            KINDS[opts["kind"]][1](user, opts, self.stdout)
        except ChacraError as exc:
            raise CommandError(f"{opts['username']}: {exc.message}") from exc
