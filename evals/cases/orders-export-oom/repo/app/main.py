import logging

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import FileResponse

from app import db
from app.export import export_month

logging.basicConfig(level=logging.INFO)
app = FastAPI(title="orders-api")


@app.get("/v1/orders/export")
def export(merchant_id: int, month: str) -> FileResponse:
    path = export_month(merchant_id, month)
    return FileResponse(path, media_type="text/csv", filename=f"orders-{merchant_id}-{month}.csv")


@app.get("/v1/orders/{order_id}")
def get_order(order_id: int) -> dict:
    order = db.fetch_order(order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="order not found")
    return order


@app.get("/v1/orders")
def list_orders(merchant_id: int, page: int = 1, per_page: int = Query(50, le=200)) -> dict:
    return {"items": db.fetch_orders(merchant_id, page, per_page), "page": page}


@app.post("/v1/orders", status_code=201)
def create_order(payload: dict) -> dict:
    return db.insert_order(payload)

