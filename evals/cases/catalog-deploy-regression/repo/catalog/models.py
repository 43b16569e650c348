from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Promotion:
    code: str
    discount_rate: Decimal


@dataclass
class Product:
    id: int
    name: str
    price: Decimal
    currency: str
    stock: int
    promotion: Promotion | None = None
