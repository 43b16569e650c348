import logging
import os

from flask import Flask, abort, jsonify, redirect

from billing import store

app = Flask(__name__)
logging.basicConfig(level=logging.INFO)
FEATURE_FLAGS = set(filter(None, os.environ.get("FEATURE_FLAGS", "").split(",")))


@app.get("/v1/accounts/<account_id>/balance")
def balance(account_id: str):
    return jsonify(store.balance(account_id))


@app.get("/v1/invoices/<invoice_id>")
def invoice(invoice_id: str):
    record = store.invoice(invoice_id)
    if record is None:
        abort(404)
    return jsonify(record)


@app.get("/v1/invoices/<invoice_id>/pdf")
def invoice_pdf(invoice_id: str):
    from billing.pdf import signed_pdf_url

    return redirect(signed_pdf_url(invoice_id), code=302)
