from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Product


@dataclass
class ProductOut:
    id: int
    name: str
    price: Decimal
    currency: str
    discount_rate: Decimal
    in_stock: bool


def serialize(product: Product) -> ProductOut:
    return ProductOut(
        id=product.id,
        name=product.name,
        price=product.price,
        currency=product.currency,
        discount_rate=product.promotion.discount_rate,
        in_stock=product.stock > 0,
    )
