"""Every write to the supply chain: one function per change, atomic, permission-checked, audited.

Refusals raise before anything is written (and the transaction rolls back whatever a later
check refuses): a message names the value and what is accepted. Kilos are ``Decimal`` with two
places. Kilos taken from a purchase or lot are counted on it (``allocated_kg``) under a row lock
(``select_for_update`` on PostgreSQL; SQLite runs one write transaction at a time), so the same
kilos can never go into two lots or shipments, even by two clerks at the same moment.

By topic: ``access`` (who may write, facilities, buyer logins), ``purchases``, ``lots``
(collection and processing steps), ``shipments`` (custody transfers and containers).
"""

from chacra.supply.kilos import LotOutput
from chacra.supply.services.access import (
    buyer_access_grant,
    facility_register,
    require_supply_write,
)
from chacra.supply.services.lots import lot_collect, lot_merge, lot_split, step_process
from chacra.supply.services.purchases import BUYING_KINDS, MONEY_TOLERANCE, purchase_record
from chacra.supply.services.shipments import CONTAINER, custody_transfer, shipment_make

__all__ = [
    "BUYING_KINDS",
    "CONTAINER",
    "MONEY_TOLERANCE",
    "LotOutput",
    "buyer_access_grant",
    "custody_transfer",
    "facility_register",
    "lot_collect",
    "lot_merge",
    "lot_split",
    "purchase_record",
    "require_supply_write",
    "shipment_make",
    "step_process",
]
