from fastapi import FastAPI, HTTPException

from catalog import repository
from catalog.serializers import serialize

app = FastAPI(title="catalog-api")


@app.get("/v2/products/{product_id}")
async def product(product_id: int):
    found = await repository.get(product_id)
    if found is None:
        raise HTTPException(404, "no such product")
    return serialize(found)


@app.get("/v2/categories/{slug}/products")
async def by_category(slug: str, page: int = 1):
    return [serialize(p) for p in await repository.by_category(slug, page)]
